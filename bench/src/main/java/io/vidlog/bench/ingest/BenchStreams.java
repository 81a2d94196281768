package io.vidlog.bench.ingest;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.kvs.KvsError;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.StreamRef;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.fragmentstore.streams.StreamStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Streams that exist by name (any name is an active stream with 24 h retention) and an index that
 * only counts appends: the load generator measures ingest and the chunk store, not the control
 * plane or the time index.
 */
final class BenchStreams implements StreamRegistry, TimeIndex {
  private final Map<String, StreamInfo> streams = new ConcurrentHashMap<>();
  /** Fragments the ingest sessions appended (each one durable, about to be acked PERSISTED). */
  final LongAdder appended = new LongAdder();
  /** What was appended and when, oldest first, for the server's sweeper (the disk must not fill up). */
  final ConcurrentLinkedQueue<Appended> recent = new ConcurrentLinkedQueue<>();

  record Appended(StreamInfo stream, FragmentNumber number, long nanos) {}

  @Override
  public Future<StreamInfo> describe(StreamRef ref) {
    if (ref.name() == null) {
      return Future.failedFuture(KvsError.RESOURCE_NOT_FOUND.exception("by name only"));
    }
    return Future.succeededFuture(streams.computeIfAbsent(ref.name(), n -> new StreamInfo(n,
        "arn:aws:kinesisvideo:us-east-1:000000000000:stream/" + n + "/1", n + "-" + System.nanoTime(),
        StreamStatus.ACTIVE, null, "video/h264", null, 24, "1", System.currentTimeMillis(), Map.of())));
  }

  @Override
  public void onDeleted(Consumer<StreamInfo> listener) {}

  @Override
  public Future<Void> append(StreamInfo stream, FragmentRecord record) {
    appended.increment();
    recent.add(new Appended(stream, record.number(), System.nanoTime()));
    return Future.succeededFuture();
  }

  @Override
  public Future<FragmentRecord> latest(StreamInfo stream) {
    return Future.succeededFuture(null);
  }

  private static <T> Future<T> no() {
    return Future.failedFuture(new UnsupportedOperationException("not in the bench"));
  }

  @Override
  public Future<StreamInfo> create(CreateStreamRequest request) {
    return no();
  }

  @Override
  public Future<StreamPage> list(int maxResults, String nextToken, String nameBeginsWith) {
    return no();
  }

  @Override
  public Future<Void> delete(StreamRef ref, String currentVersion) {
    return no();
  }

  @Override
  public Future<StreamInfo> update(StreamRef ref, String currentVersion, String deviceName, String mediaType) {
    return no();
  }

  @Override
  public Future<StreamInfo> updateRetention(StreamRef ref, String currentVersion, boolean increase, int change) {
    return no();
  }

  @Override
  public Future<Void> tag(StreamRef ref, Map<String, String> tags) {
    return no();
  }

  @Override
  public Future<Void> untag(StreamRef ref, List<String> keys) {
    return no();
  }

  @Override
  public Future<StreamInfo> byId(String streamId) {
    return no();
  }

  @Override
  public Future<FragmentRecord> get(StreamInfo stream, FragmentNumber number) {
    return no();
  }

  @Override
  public Future<FragmentRecord> next(StreamInfo stream, FragmentNumber after) {
    return no();
  }

  @Override
  public Future<FragmentRecord> earliest(StreamInfo stream) {
    return no();
  }

  @Override
  public Future<FragmentRecord> locate(StreamInfo stream, TimestampKind kind, long millis) {
    return no();
  }

  @Override
  public Future<Page> range(StreamInfo stream, TimestampKind kind, long fromMillis, long toMillis, int max,
      String pageToken) {
    return no();
  }

  @Override
  public Future<List<FragmentRecord>> expireBefore(StreamInfo stream, long cutoffMillis) {
    return no();
  }
}
