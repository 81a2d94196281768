package io.vidlog.playback.getmedia;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.FragmentRecords;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.BufferReadStream;
import io.vidlog.playback.testing.TestChunks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One stream's index and archive for session unit tests: what the index lists and what the archive
 * holds are set apart (index lag, chunks gone), failures are injected, every answer comes on a later
 * turn of the session's loop, and each lookup and open is logged.
 */
final class FakeStoredStream implements TimeIndex, FragmentArchive {
  private final ManualScheduler loop;
  private final TreeMap<FragmentNumber, TestChunks.Fragment> chunks = new TreeMap<>();
  private final TreeMap<FragmentNumber, TestChunks.Fragment> indexed = new TreeMap<>();
  /** Fragment number → bytes of its chunk after which reading fails. */
  final Map<FragmentNumber, Long> failReadAfter = new HashMap<>();
  /** Lookups and opens in order: "next 123", "open 124". */
  final List<String> log = new ArrayList<>();
  boolean failIndex;
  /** How many bytes each read of a chunk delivers. */
  int slice = 16 * 1024;

  FakeStoredStream(ManualScheduler loop) {
    this.loop = loop;
  }

  /** Stores and indexes the chunk, as ingest does before PERSISTED. */
  void persist(TestChunks.Fragment f) {
    storeOnly(f);
    index(f);
  }

  void storeOnly(TestChunks.Fragment f) {
    chunks.put(f.number(), f);
  }

  void index(TestChunks.Fragment f) {
    indexed.put(f.number(), f);
  }

  /** The chunk disappears from the archive while the index still lists it. */
  void dropChunk(FragmentNumber n) {
    chunks.remove(n);
  }

  private <T> Future<T> later(Supplier<T> value) {
    Promise<T> p = Promise.promise();
    loop.runLater(() -> {
      try {
        p.complete(value.get());
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  @Override
  public Future<FragmentRecord> next(StreamInfo stream, FragmentNumber after) {
    log.add("next " + after);
    return later(() -> {
      if (failIndex) {
        throw new StoreException(StoreException.Kind.INTERNAL, "injected index failure");
      }
      var e = after == null ? indexed.firstEntry() : indexed.higherEntry(after);
      return e == null ? null : FragmentRecords.fromHeader(e.getValue().header());
    });
  }

  @Override
  public Future<ChunkReader> open(StreamInfo stream, FragmentNumber number) {
    log.add("open " + number);
    return later(() -> {
      TestChunks.Fragment f = chunks.get(number);
      if (f == null) {
        throw new StoreException(StoreException.Kind.NOT_FOUND, "no chunk " + number);
      }
      long failAfter = failReadAfter.getOrDefault(number, -1L);
      return new ChunkReader() {
        @Override
        public ChunkHeader header() {
          return f.header();
        }

        @Override
        public ReadStream<Buffer> mkv() {
          return new BufferReadStream(loop::runLater, f.mkv(), slice, failAfter);
        }
      };
    });
  }

  // ---- not used by a session ----------------------------------------------------------------

  @Override
  public Future<Void> append(StreamInfo stream, FragmentRecord record) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<FragmentRecord> get(StreamInfo stream, FragmentNumber number) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<FragmentRecord> earliest(StreamInfo stream) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<FragmentRecord> latest(StreamInfo stream) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<FragmentRecord> locate(StreamInfo stream, TimestampKind kind, long millis) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<Page> range(StreamInfo stream, TimestampKind kind, long from, long to, int max, String token) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<List<FragmentRecord>> expireBefore(StreamInfo stream, long cutoffMillis) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ChunkWriter begin(StreamInfo stream, FragmentNumber number) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<ChunkHeader> header(StreamInfo stream, FragmentNumber number) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<List<FragmentNumber>> list(StreamInfo stream, FragmentNumber after, int max) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<Void> delete(StreamInfo stream, FragmentNumber number) {
    throw new UnsupportedOperationException();
  }
}
