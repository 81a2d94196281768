package io.vidlog.playback.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.kvs.KvsError;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.StreamRef;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.fragmentstore.streams.StreamStatus;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * In-memory StreamRegistry + TimeIndex + FragmentArchive for playback tests: futures complete on a
 * later turn of the caller's event loop, like the real ones; chunks are read back in 16 KB slices
 * with back-pressure.
 */
public final class FakeStore implements StreamRegistry, TimeIndex, FragmentArchive {
  private final Vertx vertx;
  private final Map<String, StreamInfo> streams = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentSkipListMap<FragmentNumber, TestChunks.Fragment>> chunks = new ConcurrentHashMap<>();
  /** Fragment number → byte offset after which reading fails (tests of in-stream errors). */
  public final Map<FragmentNumber, Long> failReadAfter = new ConcurrentHashMap<>();
  public volatile int slice = 16 * 1024;
  /** When set, the index part pretends fragments after this one are not indexed yet (the archive still has them). */
  public volatile FragmentNumber indexVisibleUpTo;

  public FakeStore(Vertx vertx) {
    this.vertx = vertx;
  }

  public StreamInfo addStream(String name, int retentionHours) {
    StreamInfo s = new StreamInfo(name, "arn:aws:kinesisvideo:us-east-1:000000000000:stream/" + name + "/1",
        "id-" + name, StreamStatus.ACTIVE, null, "video/h264", null, retentionHours, "1", 1L, Map.of());
    streams.put(name, s);
    chunks.put(s.streamId(), new ConcurrentSkipListMap<>());
    return s;
  }

  /** Stores the chunk and indexes it (what ingest does before PERSISTED). */
  public void persist(StreamInfo s, TestChunks.Fragment f) {
    all(s).put(f.number(), f);
  }

  public void remove(StreamInfo s, FragmentNumber n) {
    all(s).remove(n);
  }

  private <T> Future<T> later(java.util.function.Supplier<T> value) {
    return vertx.getOrCreateContext().executeBlocking(value::get, false);
  }

  private ConcurrentSkipListMap<FragmentNumber, TestChunks.Fragment> all(StreamInfo s) {
    return chunks.get(s.streamId());
  }

  /** What the index part sees. */
  private java.util.NavigableMap<FragmentNumber, TestChunks.Fragment> of(StreamInfo s) {
    FragmentNumber limit = indexVisibleUpTo;
    return limit == null ? chunks.get(s.streamId()) : chunks.get(s.streamId()).headMap(limit, true);
  }

  private static FragmentRecord record(TestChunks.Fragment f) {
    ChunkHeader h = f.header();
    return new FragmentRecord(h.number(), h.serverTimestampMillis(), h.producerTimestampMillis(), h.durationMillis(),
        h.mkvLength(), 1, true);
  }

  // ---- StreamRegistry -----------------------------------------------------------------------

  @Override
  public Future<StreamInfo> describe(StreamRef ref) {
    StreamInfo s = ref.name() != null ? streams.get(ref.name())
        : streams.values().stream().filter(x -> ref.matches(x.streamName(), x.streamArn())).findFirst().orElse(null);
    return s == null
        ? Future.failedFuture(KvsError.RESOURCE_NOT_FOUND.exception("Stream " + ref + " not found"))
        : Future.succeededFuture(s);
  }

  @Override
  public Future<StreamInfo> create(CreateStreamRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<StreamPage> list(int maxResults, String nextToken, String nameBeginsWith) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<Void> delete(StreamRef ref, String currentVersion) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<StreamInfo> update(StreamRef ref, String currentVersion, String deviceName, String mediaType) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<StreamInfo> updateRetention(StreamRef ref, String currentVersion, boolean increase, int change) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<Void> tag(StreamRef ref, Map<String, String> tags) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<Void> untag(StreamRef ref, List<String> keys) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<StreamInfo> byId(String streamId) {
    return Future.succeededFuture(streams.values().stream().filter(s -> s.streamId().equals(streamId)).findFirst()
        .orElse(null));
  }

  @Override
  public void onDeleted(Consumer<StreamInfo> listener) {}

  // ---- TimeIndex ----------------------------------------------------------------------------

  @Override
  public Future<Void> append(StreamInfo stream, FragmentRecord record) {
    throw new UnsupportedOperationException("use persist()");
  }

  @Override
  public Future<FragmentRecord> get(StreamInfo stream, FragmentNumber number) {
    return later(() -> {
      TestChunks.Fragment f = of(stream).get(number);
      return f == null ? null : record(f);
    });
  }

  @Override
  public Future<FragmentRecord> next(StreamInfo stream, FragmentNumber after) {
    return later(() -> {
      var e = after == null ? of(stream).firstEntry() : of(stream).higherEntry(after);
      return e == null ? null : record(e.getValue());
    });
  }

  @Override
  public Future<FragmentRecord> earliest(StreamInfo stream) {
    return next(stream, null);
  }

  @Override
  public Future<FragmentRecord> latest(StreamInfo stream) {
    return later(() -> {
      var e = of(stream).lastEntry();
      return e == null ? null : record(e.getValue());
    });
  }

  @Override
  public Future<FragmentRecord> locate(StreamInfo stream, TimestampKind kind, long millis) {
    return later(() -> {
      FragmentRecord afterIt = null;
      for (TestChunks.Fragment f : of(stream).values()) {
        FragmentRecord r = record(f);
        long start = kind == TimestampKind.SERVER ? r.serverTimestampMillis() : r.producerTimestampMillis();
        if (start <= millis && millis < start + r.durationMillis()) {
          return r;
        }
        if (start > millis && afterIt == null) {
          afterIt = r;
        }
      }
      return afterIt;
    });
  }

  @Override
  public Future<Page> range(StreamInfo stream, TimestampKind kind, long from, long to, int max, String pageToken) {
    return later(() -> {
      FragmentNumber after = pageToken == null ? null
          : new FragmentNumber(new String(Base64.getDecoder().decode(pageToken)));
      List<FragmentRecord> out = new ArrayList<>();
      var tail = after == null ? of(stream) : of(stream).tailMap(after, false);
      for (TestChunks.Fragment f : tail.values()) {
        FragmentRecord r = record(f);
        long start = kind == TimestampKind.SERVER ? r.serverTimestampMillis() : r.producerTimestampMillis();
        if (start < from || start > to) {
          continue;
        }
        if (out.size() == max) {
          String token = Base64.getEncoder().encodeToString(out.get(out.size() - 1).number().value().getBytes());
          return new Page(out, token);
        }
        out.add(r);
      }
      return new Page(out, null);
    });
  }

  @Override
  public Future<List<FragmentRecord>> expireBefore(StreamInfo stream, long cutoffMillis) {
    throw new UnsupportedOperationException();
  }

  // ---- FragmentArchive ----------------------------------------------------------------------

  @Override
  public ChunkWriter begin(StreamInfo stream, FragmentNumber number) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<ChunkReader> open(StreamInfo stream, FragmentNumber number) {
    var context = vertx.getOrCreateContext();
    return later(() -> all(stream).get(number)).compose(f -> {
      if (f == null) {
        return Future.failedFuture(new StoreException(StoreException.Kind.NOT_FOUND, "no chunk " + number));
      }
      long failAfter = failReadAfter.getOrDefault(number, -1L);
      return Future.succeededFuture(new ChunkReader() {
        @Override
        public ChunkHeader header() {
          return f.header();
        }

        @Override
        public ReadStream<Buffer> mkv() {
          return new BufferReadStream(context, f.mkv(), slice, failAfter);
        }
      });
    });
  }

  @Override
  public Future<ChunkHeader> header(StreamInfo stream, FragmentNumber number) {
    return later(() -> all(stream).get(number).header());
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
