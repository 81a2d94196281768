package io.vidlog.fragmentstore.chunk;

import static io.vidlog.fragmentstore.testing.Await.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.FragmentArchive.ChunkReader;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A data dir with an fs store, a keyring and an archive; writer and reader calls run on one event-loop context. */
abstract class ArchiveFixture {
  @TempDir
  Path dataDir;
  Vertx vertx;
  Context context;
  ObjectStore store;
  Crypto crypto;
  SealedFragmentArchive archive;

  @BeforeEach
  void setUpArchive() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    store = new FsObjectStore(vertx, dataDir.resolve("objects"));
    crypto = await(Crypto.open(vertx, store, dataDir.resolve("keys")));
    archive = await(SealedFragmentArchive.open(vertx, store, crypto, dataDir.resolve("spool")));
  }

  @AfterEach
  void tearDownArchive() {
    store.close();
    await(vertx.close());
  }

  static StreamInfo stream(String id) {
    return new StreamInfo("name-" + id, "arn:aws:kinesisvideo:us-east-1:000000000000:stream/name-" + id + "/1", id,
        StreamStatus.ACTIVE, "device", "video/h264", null, 24, "1", 1_700_000_000_000L, Map.of());
  }

  static FragmentNumber fn(long n) {
    return new FragmentNumber(String.format("%020d", n));
  }

  static ChunkHeader header(FragmentNumber n, long mkvLength) {
    return new ChunkHeader(n, 1_700_000_000_123L, 1_700_000_000_000L, 2000, 0,
        List.of(new ChunkHeader.TrackSummary(1, "V_MPEG4/ISO/AVC", 50), new ChunkHeader.TrackSummary(2, "A_AAC", 94)),
        List.of(new ChunkHeader.Metadata("camera", "front-door")), 512, mkvLength);
  }

  /** Runs {@code action} on the fixture's context and waits for its future. */
  <T> T on(Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(p);
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return await(p.future());
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Writes {@code mkv} in seeded random slices and commits. */
  void store(StreamInfo s, FragmentNumber n, byte[] mkv) {
    on(() -> {
      FragmentArchive.ChunkWriter w = archive.begin(s, n);
      Random r = new Random(n.value().hashCode());
      Future<Void> f = Future.succeededFuture();
      int pos = 0;
      while (pos < mkv.length) {
        int len = Math.min(mkv.length - pos, 1 + r.nextInt(150_000));
        Buffer slice = Buffer.buffer().appendBytes(mkv, pos, len);
        f = f.compose(v -> w.write(slice));
        pos += len;
      }
      return f.compose(v -> w.commit(header(n, mkv.length)));
    });
  }

  byte[] read(StreamInfo s, FragmentNumber n) {
    return on(() -> archive.open(s, n).compose(r -> readAll(r)));
  }

  static Future<byte[]> readAll(ChunkReader r) {
    Promise<byte[]> p = Promise.promise();
    Buffer all = Buffer.buffer();
    r.mkv().exceptionHandler(p::tryFail).endHandler(v -> p.tryComplete(all.getBytes())).handler(all::appendBuffer)
        .resume();
    return p.future();
  }
}
