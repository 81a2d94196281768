package io.vidlog.ingest;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A TimeIndex double that refuses appends out of fragment-number order, as the contract requires. */
final class MemoryIndex implements TimeIndex {
  final Map<String, List<FragmentRecord>> records = new ConcurrentHashMap<>();

  synchronized List<FragmentRecord> of(StreamInfo stream) {
    return new ArrayList<>(records.getOrDefault(stream.streamId(), List.of()));
  }

  @Override
  public synchronized Future<Void> append(StreamInfo stream, FragmentRecord record) {
    List<FragmentRecord> list = records.computeIfAbsent(stream.streamId(), k -> new ArrayList<>());
    if (!list.isEmpty() && list.get(list.size() - 1).number().compareTo(record.number()) >= 0) {
      return Future.failedFuture(new IllegalStateException("append out of order: " + record.number()));
    }
    list.add(record);
    notifyAll();
    return Future.succeededFuture();
  }

  /** Waits until the stream has at least {@code n} records (or 30 s pass); returns them. */
  synchronized List<FragmentRecord> await(StreamInfo stream, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (of(stream).size() < n && System.nanoTime() < deadline) {
      wait(1000);
    }
    return of(stream);
  }

  @Override
  public synchronized Future<FragmentRecord> get(StreamInfo stream, FragmentNumber number) {
    return Future.succeededFuture(of(stream).stream().filter(r -> r.number().equals(number)).findFirst().orElse(null));
  }

  @Override
  public Future<FragmentRecord> next(StreamInfo stream, FragmentNumber after) {
    return Future.succeededFuture(of(stream).stream().filter(r -> r.number().compareTo(after) > 0).findFirst()
        .orElse(null));
  }

  @Override
  public Future<FragmentRecord> earliest(StreamInfo stream) {
    List<FragmentRecord> l = of(stream);
    return Future.succeededFuture(l.isEmpty() ? null : l.get(0));
  }

  @Override
  public Future<FragmentRecord> latest(StreamInfo stream) {
    List<FragmentRecord> l = of(stream);
    return Future.succeededFuture(l.isEmpty() ? null : l.get(l.size() - 1));
  }

  @Override
  public Future<FragmentRecord> locate(StreamInfo stream, TimestampKind kind, long millis) {
    return Future.failedFuture(new UnsupportedOperationException());
  }

  @Override
  public Future<Page> range(StreamInfo stream, TimestampKind kind, long fromMillis, long toMillis, int max,
      String pageToken) {
    return Future.failedFuture(new UnsupportedOperationException());
  }

  @Override
  public Future<List<FragmentRecord>> expireBefore(StreamInfo stream, long cutoffMillis) {
    return Future.failedFuture(new UnsupportedOperationException());
  }
}
