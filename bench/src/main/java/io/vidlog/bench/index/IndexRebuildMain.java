package io.vidlog.bench.index;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.Sealers;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.index.StreamIndex;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.fragmentstore.object.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Rebuild of a 1,000,000-fragment index on a node with an empty memory, from the durable fs object
 * store alone: 999 sealed index segments plus a tail of 1,000 sealed chunks whose headers are read
 * (as after a crash before the last segment was written). Target: at most 15 s.
 * Run: {@code java -Xmx2g -cp bench/target/benchmarks.jar io.vidlog.bench.index.IndexRebuildMain [dataDir]}
 */
public final class IndexRebuildMain {
  static final int FRAGMENTS = 1_000_000;
  static final int TAIL = 1_000;

  private IndexRebuildMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("vidlog-index-rebuild");
    Vertx vertx = Vertx.vertx();
    try {
      List<FragmentRecord> all = new ArrayList<>(FRAGMENTS);
      IndexFixture.fragments(FRAGMENTS, all::add);

      ObjectStore store = new FsObjectStore(vertx, dir.resolve("objects"));
      Crypto crypto = await(Crypto.open(vertx, store, dir.resolve("keys")));
      await(crypto.warmUp());
      SealedFragmentArchive archive = await(SealedFragmentArchive.open(vertx, store, crypto, dir.resolve("spool")));
      ObjectStoreTimeIndex writer = new ObjectStoreTimeIndex(store, sealers(crypto), archive, IndexConfig.DEFAULT);
      long t0 = System.nanoTime();
      for (int i = 0; i < FRAGMENTS - TAIL; i++) {
        await(writer.append(IndexFixture.STREAM, all.get(i)));
      }
      await(writer.flushAll());
      long segmentsMillis = ms(t0);
      t0 = System.nanoTime();
      for (int i = FRAGMENTS - TAIL; i < FRAGMENTS; i++) {
        // A small stand-in for the MKV bytes (the rebuild reads only headers), so the record says 1 KB.
        FragmentRecord big = all.get(i);
        FragmentRecord r = new FragmentRecord(big.number(), big.serverTimestampMillis(), big.producerTimestampMillis(),
            big.durationMillis(), 1024, big.trackMask(), big.hasMetadata());
        all.set(i, r);
        ChunkHeader h = new ChunkHeader(r.number(), r.serverTimestampMillis(), r.producerTimestampMillis(),
            r.durationMillis(), 0, List.of(new ChunkHeader.TrackSummary(1, "V_MPEG4/ISO/AVC", 30),
                new ChunkHeader.TrackSummary(2, "A_AAC", 47)),
            r.hasMetadata() ? List.of(new ChunkHeader.Metadata("k", "v")) : List.of(), 0, r.sizeBytes());
        FragmentArchive.ChunkWriter w = archive.begin(IndexFixture.STREAM, r.number());
        await(w.write(Buffer.buffer(new byte[1024])).compose(v -> w.commit(h)));
      }
      long chunksMillis = ms(t0);
      store.close();

      // The empty node: new store, keys, archive and index over the same directory.
      ObjectStore store2 = new FsObjectStore(vertx, dir.resolve("objects"));
      Crypto crypto2 = await(Crypto.open(vertx, store2, dir.resolve("keys")));
      SealedFragmentArchive archive2 = await(SealedFragmentArchive.open(vertx, store2, crypto2, dir.resolve("spool2")));
      ObjectStoreTimeIndex node = new ObjectStoreTimeIndex(store2, sealers(crypto2), archive2, IndexConfig.DEFAULT);
      t0 = System.nanoTime();
      StreamIndex rebuilt = await(node.index(IndexFixture.STREAM));
      long rebuildMillis = ms(t0);
      if (rebuilt.size() != FRAGMENTS) {
        throw new IllegalStateException("rebuilt " + rebuilt.size() + " fragments, expected " + FRAGMENTS);
      }
      List<FragmentRecord> got = rebuilt.records();
      for (int i = 0; i < FRAGMENTS; i++) {
        FragmentRecord want = all.get(i);
        FragmentRecord have = got.get(i);
        if (!want.equals(have)) {
          throw new IllegalStateException("fragment " + i + " differs: " + want + " vs " + have);
        }
      }
      System.out.printf("rebuild of %,d fragments (%d segments + %d chunk headers) from the fs store: %d ms "
          + "(writing them took %d ms for segments, %d ms for chunks); equal to the original: yes%n",
          FRAGMENTS, (FRAGMENTS - TAIL) / 1_000, TAIL, rebuildMillis, segmentsMillis, chunksMillis);
      System.out.println("data dir: " + dir + "; machine: " + IndexFixture.machine());
      store2.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Sealers sealers(Crypto crypto) {
    return scope -> crypto.keys(scope).map(k -> k);
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }
}
