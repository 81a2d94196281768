package io.vidlog.fragmentstore.index;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.Sealers;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.vidlog.fragmentstore.crypto.SealContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index against the real stack: the durable fs object store, the envelope-encryption keys of
 * each stream's scope, and sealed MKV chunks. A second node with nothing but the data dir's objects
 * and keys rebuilds the same index.
 */
class RealStackRebuildTest {
  @TempDir
  Path dataDir;
  Vertx vertx;
  Context context;
  ObjectStore store;
  Crypto crypto;
  SealedFragmentArchive archive;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    store = new FsObjectStore(vertx, dataDir.resolve("objects"));
    crypto = await(Crypto.open(vertx, store, dataDir.resolve("keys")));
    archive = await(SealedFragmentArchive.open(vertx, store, crypto, dataDir.resolve("spool")));
  }

  @AfterEach
  void tearDown() {
    store.close();
    await(vertx.close());
  }

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

  private Sealers sealers(Crypto c) {
    return scope -> c.keys(scope).map(k -> k);
  }

  private ObjectStoreTimeIndex index(boolean perStreamKeys, ObjectStore st, Crypto c, FragmentArchive a, IndexConfig cfg) {
    return perStreamKeys ? new ObjectStoreTimeIndex(st, sealers(c), a, cfg)
        : new ObjectStoreTimeIndex(st, await(c.keys(SealContext.SYSTEM)), a, cfg);
  }

  /** Both ways the server may wire it: each stream's own keys, or the system scope's keys for all. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aFreshNodeRebuildsTheIndexFromFsObjectsAlone(boolean perStreamKeys) {
    StreamInfo s = ObjectStoreTimeIndexTest.STREAM;
    ObjectStoreTimeIndex ix = index(perStreamKeys, store, crypto, archive, new IndexConfig(100, 2, 8));
    List<ChunkHeader> hs = ObjectStoreTimeIndexTest.headers(250, 17);
    for (ChunkHeader h : hs) {
      on(() -> {
        FragmentArchive.ChunkWriter w = archive.begin(s, h.number());
        return w.write(Buffer.buffer(new byte[(int) h.mkvLength()]))
            .compose(v -> w.commit(h))
            .compose(v -> ix.append(s, FragmentRecords.fromHeader(h)));
      });
    }
    on(() -> ix.expireBefore(s, hs.get(130).serverTimestampMillis()));
    List<FragmentRecord> original = on(() -> ix.index(s)).records();
    assertEquals(120, original.size());
    assertEquals(1, on(() -> store.list(ObjectStoreTimeIndex.segmentPrefix(s.streamId()), null, 10)).size(),
        "segment 0-99 expired and deleted, 100-199 partly expired, 200-249 only in chunks");

    // Another node: new store, keys and archive instances over the same directory.
    ObjectStore store2 = new FsObjectStore(vertx, dataDir.resolve("objects"));
    Crypto crypto2 = await(Crypto.open(vertx, store2, dataDir.resolve("keys")));
    SealedFragmentArchive archive2 = await(SealedFragmentArchive.open(vertx, store2, crypto2, dataDir.resolve("spool2")));
    ObjectStoreTimeIndex rebuilt = index(perStreamKeys, store2, crypto2, archive2, IndexConfig.DEFAULT);
    assertEquals(original, on(() -> rebuilt.index(s)).records());
    for (TimestampKind k : TimestampKind.values()) {
      assertEquals(on(() -> ix.range(s, k, Long.MIN_VALUE, Long.MAX_VALUE, 1_000, null)),
          on(() -> rebuilt.range(s, k, Long.MIN_VALUE, Long.MAX_VALUE, 1_000, null)));
    }
    store2.close();
  }

  /**
   * A chunk object cut short in the store (an S3 server killed while it wrote the upload, whose
   * PutMedia commit failed and was answered 5001) does not make the stream's index unloadable: a
   * rebuild skips it, lists every whole chunk, and the stream needs no repair by hand.
   */
  @org.junit.jupiter.api.Test
  void aRebuildSkipsAChunkCutShortInTheStore() {
    StreamInfo s = ObjectStoreTimeIndexTest.STREAM;
    ObjectStoreTimeIndex ix = index(true, store, crypto, archive, IndexConfig.DEFAULT);
    List<ChunkHeader> hs = ObjectStoreTimeIndexTest.headers(5, 17);
    for (ChunkHeader h : hs) {
      on(() -> {
        FragmentArchive.ChunkWriter w = archive.begin(s, h.number());
        return w.write(Buffer.buffer(new byte[(int) h.mkvLength()]))
            .compose(v -> w.commit(h))
            .compose(v -> ix.append(s, FragmentRecords.fromHeader(h)));
      });
    }
    List<FragmentRecord> original = on(() -> ix.index(s)).records();
    String torn = "streams/" + s.streamId() + "/chunks/" + hs.get(2).number().value();
    Buffer whole = on(() -> store.get(torn));
    on(() -> store.put(torn, whole.getBuffer(0, whole.length() / 2)));

    ObjectStore store2 = new FsObjectStore(vertx, dataDir.resolve("objects"));
    Crypto crypto2 = await(Crypto.open(vertx, store2, dataDir.resolve("keys")));
    SealedFragmentArchive archive2 = await(SealedFragmentArchive.open(vertx, store2, crypto2, dataDir.resolve("spool2")));
    ObjectStoreTimeIndex rebuilt = index(true, store2, crypto2, archive2, IndexConfig.DEFAULT);
    List<FragmentRecord> expected = new java.util.ArrayList<>(original);
    expected.remove(2);
    assertEquals(expected, on(() -> rebuilt.index(s)).records());
    assertEquals(4, on(() -> rebuilt.range(s, TimestampKind.SERVER, Long.MIN_VALUE, Long.MAX_VALUE, 1_000, null))
        .records().size());
    store2.close();
  }
}
