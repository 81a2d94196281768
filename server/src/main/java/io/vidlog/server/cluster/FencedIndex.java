package io.vidlog.server.cluster;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The time index as ingest sees it on a node of a cluster: a fragment is appended (and so acked
 * PERSISTED) only while this node still owns the stream at the epoch it claimed
 * ({@link StreamOwners#confirm}); then {@code appended} tells the other nodes. Queries pass through.
 */
final class FencedIndex implements TimeIndex {
  private final TimeIndex index;
  private final StreamOwners owners;
  private final BiConsumer<StreamInfo, FragmentRecord> appended;

  FencedIndex(TimeIndex index, StreamOwners owners, BiConsumer<StreamInfo, FragmentRecord> appended) {
    this.index = index;
    this.owners = owners;
    this.appended = appended;
  }

  @Override
  public Future<Void> append(StreamInfo stream, FragmentRecord record) {
    return owners.confirm(stream.streamId()).compose(v -> index.append(stream, record))
        .onSuccess(v -> appended.accept(stream, record));
  }

  @Override
  public Future<FragmentRecord> get(StreamInfo stream, FragmentNumber number) {
    return index.get(stream, number);
  }

  @Override
  public Future<FragmentRecord> next(StreamInfo stream, FragmentNumber after) {
    return index.next(stream, after);
  }

  @Override
  public Future<FragmentRecord> earliest(StreamInfo stream) {
    return index.earliest(stream);
  }

  @Override
  public Future<FragmentRecord> latest(StreamInfo stream) {
    return index.latest(stream);
  }

  @Override
  public Future<FragmentRecord> locate(StreamInfo stream, TimestampKind kind, long millis) {
    return index.locate(stream, kind, millis);
  }

  @Override
  public Future<Page> range(StreamInfo stream, TimestampKind kind, long fromMillis, long toMillis, int max,
      String pageToken) {
    return index.range(stream, kind, fromMillis, toMillis, max, pageToken);
  }

  @Override
  public Future<List<FragmentRecord>> expireBefore(StreamInfo stream, long cutoffMillis) {
    return index.expireBefore(stream, cutoffMillis);
  }
}
