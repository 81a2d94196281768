package io.vidlog.fragmentstore.chunk;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.ForwardingObjectStore;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sealed read path of {@link ChunkMkvStream}: ranges are read and opened on store workers, at
 * most {@link ChunkMkvStream#MAX_IN_FLIGHT} at a time, and emitted in order whatever the order the
 * store completes them in, with the consumer's demand honoured at every fetch size. Each case runs
 * over the fs backend's pooled read and over {@link ObjectStore}'s default {@code readRange}.
 */
class ChunkMkvStreamTest extends ArchiveFixture {
  private static final int SEG = StreamingSeal.SEGMENT_SIZE;
  private static final int RANGE = ChunkMkvStream.SEGMENTS_PER_RANGE * SEG;
  private static final int FIRST = ChunkMkvStream.FIRST_RANGE_SEGMENTS * SEG;

  /** Delegates to the fixture's fs store; counts range reads and can use the interface's default readRange. */
  private final class Probe extends ForwardingObjectStore {
    final boolean viaDefault;
    final List<Future<?>> reads = new ArrayList<>();
    Promise<Void> holdFirst;

    Probe(boolean viaDefault) {
      super(ChunkMkvStreamTest.this.store);
      this.viaDefault = viaDefault;
    }

    @Override
    public <T> Future<T> readRange(String key, long offset, long length, Function<ByteBuffer, T> reader) {
      Future<T> f = viaDefault ? defaultReadRange(key, offset, length, reader)
          : store.readRange(key, offset, length, reader);
      synchronized (this) {
        reads.add(f);
        if (holdFirst != null && reads.size() == 1) {
          Promise<Void> release = holdFirst;
          // the first range completes only after the second one has
          return f.compose(r -> release.future().map(v -> r));
        }
        if (holdFirst != null && reads.size() == 2) {
          f.onComplete(ar -> holdFirst.tryComplete());
        }
      }
      return f;
    }

    synchronized List<Future<?>> reads() {
      return new ArrayList<>(reads);
    }

    @Override
    public void close() {}
  }

  /** What a consumer saw: the buffers, and how the stream ended. */
  private record Outcome(List<Buffer> buffers, Throwable failure) {
    byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      buffers.forEach(b -> out.writeBytes(b.getBytes()));
      return out.toByteArray();
    }
  }

  /** Reads the chunk through {@code probe}, asking for {@code fetchSize} buffers (0: resume) each time the last batch arrived. */
  private Outcome readThrough(Probe probe, StreamInfo s, int fetchSize) {
    SealedFragmentArchive a = new SealedFragmentArchive(vertx, probe, crypto, dataDir.resolve("spool"));
    return on(() -> a.open(s, fn(1)).compose(r -> {
      Promise<Outcome> p = Promise.promise();
      List<Buffer> got = new ArrayList<>();
      ReadStream<Buffer> st = r.mkv();
      long[] asked = {fetchSize};
      st.handler(b -> {
        got.add(b);
        if (fetchSize > 0 && got.size() == asked[0]) {
          asked[0] += fetchSize;
          st.fetch(fetchSize);
        }
      }).endHandler(v -> p.tryComplete(new Outcome(got, null)))
          .exceptionHandler(e -> p.tryComplete(new Outcome(got, e)));
      if (fetchSize > 0) {
        st.fetch(fetchSize);
      } else {
        st.resume();
      }
      return p.future();
    }));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, FIRST, FIRST + 1, RANGE - 1, RANGE, RANGE + 1, FIRST + RANGE, FIRST + RANGE + 1,
      2 * RANGE + SEG + 7})
  void everyFetchSizeGetsTheWholeChunkInSegmentSizedBuffers(int size) {
    StreamInfo s = stream("split-" + size);
    byte[] mkv = randomBytes(size, size);
    store(s, fn(1), mkv);
    int segments = (size + SEG - 1) / SEG;
    for (boolean viaDefault : new boolean[] {false, true}) {
      for (int fetch : new int[] {1, 2, 15, 16, 17, 0, 1 + new Random(size).nextInt(40)}) {
        Outcome o = readThrough(new Probe(viaDefault), s, fetch);
        assertEquals(null, o.failure());
        assertArrayEquals(mkv, o.bytes(), "fetch " + fetch + " default=" + viaDefault);
        assertEquals(segments, o.buffers().size());
        for (int i = 0; i < segments - 1; i++) {
          assertEquals(SEG, o.buffers().get(i).length());
        }
      }
    }
  }

  @Test
  void rangesTheStoreCompletesOutOfOrderAreEmittedInOrder() {
    StreamInfo s = stream("order");
    byte[] mkv = randomBytes(3 * RANGE + 100, 3);
    store(s, fn(1), mkv);
    for (boolean viaDefault : new boolean[] {false, true}) {
      Probe probe = new Probe(viaDefault);
      probe.holdFirst = Promise.promise();
      Outcome o = readThrough(probe, s, 0);
      assertEquals(null, o.failure());
      assertArrayEquals(mkv, o.bytes());
      assertTrue(probe.reads().size() >= 4);
    }
  }

  @Test
  void aTamperedSegmentInALaterRangeFailsWithIntegrityAfterOnlyAuthenticBytes() throws Exception {
    StreamInfo s = stream("tamper");
    byte[] mkv = randomBytes(3 * RANGE, 5);
    store(s, fn(1), mkv);
    Path file = dataDir.resolve("objects").resolve(SealedFragmentArchive.objectKey(s, fn(1)));
    byte[] sealed = Files.readAllBytes(file);
    int bad = 20;
    sealed[(int) ChunkLayout.segmentOffset(bad) + 1000] ^= 0x40;
    Files.write(file, sealed);
    for (boolean viaDefault : new boolean[] {false, true}) {
      for (int fetch : new int[] {0, 1}) {
        Outcome o = readThrough(new Probe(viaDefault), s, fetch);
        StoreException e = assertInstanceOf(StoreException.class, o.failure());
        assertEquals(StoreException.Kind.INTEGRITY, e.kind());
        byte[] got = o.bytes();
        assertTrue(got.length <= bad * SEG, "nothing of or after the tampered segment is emitted");
        assertArrayEquals(java.util.Arrays.copyOf(mkv, got.length), got);
      }
    }
  }

  @Test
  void aReaderThatStopsMidStreamReadsNoFurtherAndReleasesItsReadBuffers() {
    StreamInfo s = stream("stop");
    byte[] mkv = randomBytes(6 * RANGE, 6);
    store(s, fn(1), mkv);
    Probe probe = new Probe(false);
    SealedFragmentArchive a = new SealedFragmentArchive(vertx, probe, crypto, dataDir.resolve("spool"));
    FragmentArchive.ChunkReader r = on(() -> a.open(s, fn(1)));
    List<Buffer> got = new ArrayList<>();
    Promise<Void> three = Promise.promise();
    on(() -> {
      ReadStream<Buffer> st = r.mkv();
      st.handler(b -> {
        got.add(b);
        if (got.size() == 3) {
          three.complete();
        }
      });
      st.fetch(3);
      return Future.succeededFuture();
    });
    await(three.future());
    // wait for every range the stream asked for, then let the stream's context see the completions
    await(Future.join(probe.reads()));
    on(() -> Future.succeededFuture());
    List<Future<?>> reads = probe.reads();
    // Under load a range can complete and be handed on before the consumer's demand is used up, so
    // one more range than can be in flight at once may have been asked for; never more, and none
    // once the demand is met (checked after everything asked for has completed again).
    assertTrue(reads.size() <= ChunkMkvStream.MAX_IN_FLIGHT + 1, "read ahead is bounded: " + reads.size());
    await(Future.join(probe.reads()));
    on(() -> Future.succeededFuture());
    assertEquals(reads.size(), probe.reads().size(), "no read after demand stopped");
    assertEquals(3, on(() -> Future.succeededFuture(got.size())));
    assertEquals(0, ((FsObjectStore) store).readBuffersInUse(), "pooled read buffers went back to the store");
  }
}
