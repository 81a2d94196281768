package io.vidlog.fragmentstore.chunk;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.fragmentstore.testing.ForwardingObjectStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SealedFragmentArchiveTest extends ArchiveFixture {
  private static final int SEG = StreamingSeal.SEGMENT_SIZE;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG + 5, 16 * SEG, 16 * SEG + 1, 2_000_000})
  void roundTripsEverySizeAroundSegmentAndRangeBoundaries(int size) {
    StreamInfo s = stream("s-" + size);
    byte[] mkv = randomBytes(size, size);
    store(s, fn(7), mkv);
    assertArrayEquals(mkv, read(s, fn(7)));
    ChunkHeader h = on(() -> archive.header(s, fn(7)));
    assertEquals(header(fn(7), size), h);
    assertEquals(StreamingSeal.PREFIX_LENGTH + ChunkLayout.sealedMkvLength(size)
            + StreamingSeal.sealedLength(ChunkHeaderCodec.encode(h).length) + ChunkLayout.FOOTER_LENGTH,
        await(store.stat(SealedFragmentArchive.objectKey(s, fn(7)))).size());
  }

  @Test
  void openReturnsTheHeaderWithoutReadingMedia() {
    StreamInfo s = stream("hdr");
    store(s, fn(1), randomBytes(100_000, 1));
    FragmentArchive.ChunkReader r = on(() -> archive.open(s, fn(1)));
    assertEquals(header(fn(1), 100_000), r.header());
  }

  @Test
  void listsInFragmentOrderAfterAGivenNumberAndDeletes() {
    StreamInfo s = stream("list");
    for (long n : new long[] {5, 1, 3, 12}) {
      store(s, fn(n), randomBytes(10, n));
    }
    store(stream("other"), fn(2), randomBytes(10, 2));
    assertEquals(List.of(fn(1), fn(3), fn(5), fn(12)), on(() -> archive.list(s, null, 10)));
    assertEquals(List.of(fn(5), fn(12)), on(() -> archive.list(s, fn(3), 10)));
    assertEquals(List.of(fn(1), fn(3)), on(() -> archive.list(s, null, 2)));
    on(() -> archive.delete(s, fn(3)));
    assertEquals(List.of(fn(1), fn(5), fn(12)), on(() -> archive.list(s, null, 10)));
    assertEquals(StoreException.Kind.NOT_FOUND, failure(() -> archive.open(s, fn(3))).kind());
  }

  @Test
  void missingChunkIsNotFound() {
    assertEquals(StoreException.Kind.NOT_FOUND, failure(() -> archive.open(stream("none"), fn(1))).kind());
    assertEquals(StoreException.Kind.NOT_FOUND, failure(() -> archive.header(stream("none"), fn(1))).kind());
  }

  @Test
  void abortLeavesNothingInStoreOrSpool() throws Exception {
    StreamInfo s = stream("abort");
    on(() -> {
      FragmentArchive.ChunkWriter w = archive.begin(s, fn(1));
      return w.write(Buffer.buffer(randomBytes(200_000, 3))).map(v -> {
        w.abort();
        return null;
      });
    });
    on(() -> vertx.timer(1).mapEmpty()); // let the abort's close and delete run on the context
    assertEquals(List.of(), on(() -> archive.list(s, null, 10)));
    awaitSpoolEmpty();
  }

  @Test
  void commitWithAWrongLengthFailsAndStoresNothing() throws Exception {
    StreamInfo s = stream("badlen");
    StoreException e = failure(() -> {
      FragmentArchive.ChunkWriter w = archive.begin(s, fn(1));
      return w.write(Buffer.buffer(new byte[10])).compose(v -> w.commit(header(fn(1), 11)));
    });
    assertEquals(StoreException.Kind.INVALID, e.kind());
    assertEquals(List.of(), on(() -> archive.list(s, null, 10)));
    awaitSpoolEmpty();
  }

  @Test
  void aCommitWhoseUploadFailsLeavesNoSpoolFile() throws Exception {
    ObjectStore down = new ForwardingObjectStore(store) {
      @Override
      public Future<Void> putFile(String key, java.nio.file.Path file) {
        return Future.failedFuture(new StoreException(StoreException.Kind.UNAVAILABLE, "the store is down"));
      }
    };
    SealedFragmentArchive failing = await(SealedFragmentArchive.open(vertx, down, crypto, dataDir.resolve("spool")));
    StreamInfo s = stream("down");
    byte[] mkv = randomBytes(300_000, 5);
    StoreException e = failure(() -> {
      FragmentArchive.ChunkWriter w = failing.begin(s, fn(1));
      return w.write(Buffer.buffer(mkv)).compose(v -> w.commit(header(fn(1), mkv.length)));
    });
    assertEquals(StoreException.Kind.UNAVAILABLE, e.kind());
    awaitSpoolEmpty();
  }

  @Test
  void committedChunkLeavesNoSpoolFile() throws Exception {
    store(stream("spool"), fn(1), randomBytes(300_000, 4));
    awaitSpoolEmpty();
  }

  @Test
  void mkvStreamStartsPausedAndHonoursFetch() {
    StreamInfo s = stream("fetch");
    byte[] mkv = randomBytes(40 * SEG + 17, 9);
    store(s, fn(1), mkv);
    FragmentArchive.ChunkReader r = on(() -> archive.open(s, fn(1)));
    List<Buffer> got = new ArrayList<>();
    Promise<Void> first = Promise.promise();
    Promise<Void> end = Promise.promise();
    ReadStream<Buffer> mkvStream = on(() -> {
      ReadStream<Buffer> st = r.mkv();
      st.handler(b -> {
        got.add(b);
        first.tryComplete();
      }).endHandler(end::complete).exceptionHandler(end::fail);
      return Future.succeededFuture(st);
    });
    on(() -> vertx.timer(20).mapEmpty());
    assertEquals(0, on(() -> Future.succeededFuture(got.size())), "nothing flows before fetch");
    on(() -> Future.succeededFuture(mkvStream.fetch(1)));
    await(first.future());
    on(() -> vertx.timer(20).mapEmpty());
    assertEquals(1, on(() -> Future.succeededFuture(got.size())), "fetch(1) delivers exactly one buffer");
    on(() -> Future.succeededFuture(mkvStream.resume()));
    await(end.future());
    Buffer all = Buffer.buffer();
    got.forEach(all::appendBuffer);
    assertArrayEquals(mkv, all.getBytes());
  }

  /**
   * Sealed segments are pooled arrays lent from sealing until their write completed: after chunks
   * committed, aborted mid-write and refused at commit, every array is back (none leaks).
   */
  @Test
  void everySealedSegmentArrayReturnsToThePool() throws Exception {
    StreamInfo s = stream("pool");
    for (int i = 1; i <= 6; i++) {
      store(s, fn(i), randomBytes(5 * SEG + 1000 * i, i));
    }
    for (int i = 7; i <= 9; i++) {
      long n = i;
      on(() -> {
        FragmentArchive.ChunkWriter w = archive.begin(s, fn(n));
        return w.write(Buffer.buffer(randomBytes(4 * SEG, n))).map(v -> {
          w.abort();
          return null;
        });
      });
    }
    failure(() -> {
      FragmentArchive.ChunkWriter w = archive.begin(s, fn(10));
      return w.write(Buffer.buffer(new byte[3 * SEG])).compose(v -> w.commit(header(fn(10), 1)));
    });
    Conditions.await("every sealed segment array is back in the pool", () -> archive.sealedSegmentsInUse() == 0);
    for (int i = 1; i <= 6; i++) {
      assertArrayEquals(randomBytes(5 * SEG + 1000 * i, i), read(s, fn(i)));
    }
  }

  private void awaitSpoolEmpty() throws Exception {
    for (int i = 0; i < 100; i++) {
      try (Stream<java.nio.file.Path> files = Files.list(dataDir.resolve("spool"))) {
        if (files.findAny().isEmpty()) {
          return;
        }
      }
      on(() -> vertx.timer(10).mapEmpty());
    }
    try (Stream<java.nio.file.Path> files = Files.list(dataDir.resolve("spool"))) {
      assertFalse(files.findAny().isPresent(), "spool directory is not empty");
    }
  }

  <T> StoreException failure(java.util.function.Supplier<Future<T>> action) {
    StoreException e = assertThrows(StoreException.class, () -> on(action));
    assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
    return e;
  }
}
