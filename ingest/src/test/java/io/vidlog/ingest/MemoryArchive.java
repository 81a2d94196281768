package io.vidlog.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A FragmentArchive double in the heap: keeps each committed chunk's header and plaintext MKV.
 * Writes can be slowed down ({@link #writeDelayMillis}) to exercise back-pressure, and counts the
 * largest amount of plaintext in flight.
 */
final class MemoryArchive implements FragmentArchive {
  record Stored(ChunkHeader header, Buffer mkv) {}

  private final Vertx vertx;
  final Map<String, Stored> chunks = new ConcurrentSkipListMap<>();
  final AtomicInteger aborted = new AtomicInteger();
  final AtomicLong maxWriteBytes = new AtomicLong();
  volatile long writeDelayMillis;
  volatile boolean failCommits;
  /** While set, commits complete only when {@link #releaseCommits} is called. */
  private volatile Promise<Void> heldCommits;

  MemoryArchive(Vertx vertx) {
    this.vertx = vertx;
  }

  static String key(StreamInfo stream, FragmentNumber number) {
    return stream.streamId() + "/" + number.value();
  }

  List<Stored> chunksOf(StreamInfo stream) {
    List<Stored> out = new ArrayList<>();
    chunks.forEach((k, v) -> {
      if (k.startsWith(stream.streamId() + "/")) {
        out.add(v);
      }
    });
    return out;
  }

  /** Commits from now on wait until {@link #releaseCommits}: a fragment stays RECEIVED, not PERSISTED. */
  void holdCommits() {
    heldCommits = Promise.promise();
  }

  void releaseCommits() {
    Promise<Void> held = heldCommits;
    heldCommits = null;
    if (held != null) {
      held.complete();
    }
  }

  @Override
  public ChunkWriter begin(StreamInfo stream, FragmentNumber number) {
    return new ChunkWriter() {
      private final Buffer bytes = Buffer.buffer();

      @Override
      public Future<Void> write(Buffer mkv) {
        maxWriteBytes.accumulateAndGet(mkv.length(), Math::max);
        bytes.appendBuffer(mkv);
        return delayed(null);
      }

      @Override
      public Future<Void> commit(ChunkHeader header) {
        if (failCommits) {
          return Future.failedFuture(new StoreException(StoreException.Kind.UNAVAILABLE, "injected"));
        }
        Promise<Void> held = heldCommits;
        Future<Void> gate = held == null ? Future.succeededFuture() : held.future();
        return gate.compose(v -> delayed(null)).onSuccess(v -> chunks.put(key(stream, number), new Stored(header, bytes)));
      }

      @Override
      public void abort() {
        aborted.incrementAndGet();
      }
    };
  }

  private Future<Void> delayed(Void v) {
    long d = writeDelayMillis;
    if (d <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    vertx.setTimer(d, id -> p.complete());
    return p.future();
  }

  @Override
  public Future<ChunkReader> open(StreamInfo stream, FragmentNumber number) {
    return Future.failedFuture(new UnsupportedOperationException());
  }

  @Override
  public Future<ChunkHeader> header(StreamInfo stream, FragmentNumber number) {
    Stored s = chunks.get(key(stream, number));
    return s == null ? Future.failedFuture(new StoreException(StoreException.Kind.NOT_FOUND, "no chunk"))
        : Future.succeededFuture(s.header());
  }

  @Override
  public Future<List<FragmentNumber>> list(StreamInfo stream, FragmentNumber after, int max) {
    return Future.failedFuture(new UnsupportedOperationException());
  }

  @Override
  public Future<Void> delete(StreamInfo stream, FragmentNumber number) {
    chunks.remove(key(stream, number));
    return Future.succeededFuture();
  }
}
