package io.vidlog.fragmentstore.object;

import static io.vidlog.fragmentstore.testing.Await.await;
import static io.vidlog.fragmentstore.testing.Await.storeFailure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one contract every {@link ObjectStore} backend passes (docs/architecture.md §Storage, "Object store"). Subclasses
 * provide a fresh, empty store per test.
 */
public abstract class ObjectStoreContract {
  protected Vertx vertx;
  protected ObjectStore store;
  @TempDir
  protected Path temp;

  protected abstract ObjectStore newStore(Vertx vertx) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    vertx = Vertx.vertx();
    store = newStore(vertx);
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
    await(vertx.close());
  }

  static Buffer bytes(String s) {
    return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] allByteValues(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  @Test
  void putThenGetReturnsTheSameBinaryContent() {
    byte[] data = allByteValues(70_000);
    await(store.put("t/bin/one", Buffer.buffer(data)));
    assertArrayEquals(data, await(store.get("t/bin/one")).getBytes());
    assertEquals(data.length, await(store.stat("t/bin/one")).size());
  }

  @Test
  void overwriteReplacesTheWholeObject() {
    await(store.put("t/over", bytes("a much longer first version")));
    await(store.put("t/over", bytes("v2")));
    assertEquals("v2", await(store.get("t/over")).toString());
    assertEquals(2, await(store.stat("t/over")).size());
  }

  @Test
  void emptyObjectExistsWithSizeZero() {
    await(store.put("t/empty", Buffer.buffer()));
    assertEquals(0, await(store.get("t/empty")).length());
    assertEquals(0, await(store.stat("t/empty")).size());
    assertEquals(0, await(store.getRange("t/empty", 0, 10)).length());
    assertEquals(List.of("t/empty"), keys(await(store.list("t/", null, 10))));
  }

  @Test
  void getRangeReturnsTheRequestedSliceAndFewerAtTheEnd() {
    byte[] data = allByteValues(1000);
    await(store.put("t/range", Buffer.buffer(data)));
    assertArrayEquals(slice(data, 100, 50), await(store.getRange("t/range", 100, 50)).getBytes());
    assertArrayEquals(slice(data, 0, 1), await(store.getRange("t/range", 0, 1)).getBytes());
    assertArrayEquals(slice(data, 990, 10), await(store.getRange("t/range", 990, 100)).getBytes());
    assertArrayEquals(slice(data, 0, 1000), await(store.getRange("t/range", 0, 1000)).getBytes());
  }

  /** Calls {@link ObjectStore#readRange} from an event-loop context, as the chunk reader does. */
  protected <T> Future<T> readRangeOnContext(String key, long offset, long length,
      java.util.function.Function<java.nio.ByteBuffer, T> reader) {
    io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> store.readRange(key, offset, length, reader).onComplete(p));
    return p.future();
  }

  @Test
  void readRangeHandsTheRangeToAReaderOffTheEventLoop() {
    byte[] data = allByteValues(1000);
    await(store.put("t/read", Buffer.buffer(data)));
    long[][] ranges = {{100, 50}, {0, 1}, {990, 100}, {0, 1000}, {1000, 10}, {5000, 10}, {3, 0}};
    for (long[] r : ranges) {
      boolean[] onEventLoop = {true};
      byte[] got = await(readRangeOnContext("t/read", r[0], r[1], bb -> {
        onEventLoop[0] = io.vertx.core.Context.isOnEventLoopThread();
        byte[] b = new byte[bb.remaining()];
        bb.get(b);
        return b;
      }));
      int from = (int) Math.min(r[0], data.length);
      assertArrayEquals(slice(data, from, (int) Math.min(r[1], data.length - from)), got, r[0] + "+" + r[1]);
      assertFalse(onEventLoop[0], "the reader runs on a worker");
    }
    assertEquals(StoreException.Kind.NOT_FOUND, storeFailure(readRangeOnContext("t/missing", 0, 10, bb -> 1)).kind());
    StoreException thrown = new StoreException(StoreException.Kind.INTEGRITY, "reader says no");
    assertEquals(thrown, storeFailure(readRangeOnContext("t/read", 0, 10, bb -> {
      throw thrown;
    })), "what the reader throws fails the future as it is");
  }

  @Test
  void missingKeysAreNotFound() {
    assertEquals(StoreException.Kind.NOT_FOUND, storeFailure(store.get("t/missing")).kind());
    assertEquals(StoreException.Kind.NOT_FOUND, storeFailure(store.getRange("t/missing", 0, 10)).kind());
    assertEquals(StoreException.Kind.NOT_FOUND, storeFailure(store.stat("t/missing")).kind());
    await(store.put("t/present/x", bytes("x")));
    assertEquals(StoreException.Kind.NOT_FOUND, storeFailure(store.get("t/present")).kind());
    assertEquals(StoreException.Kind.NOT_FOUND, storeFailure(store.stat("t/present")).kind());
  }

  @Test
  void deleteRemovesAndDeletingAbsentSucceeds() {
    await(store.put("t/del", bytes("x")));
    await(store.delete("t/del"));
    assertEquals(StoreException.Kind.NOT_FOUND, storeFailure(store.get("t/del")).kind());
    await(store.delete("t/del"));
    await(store.delete("t/never/was"));
    assertTrue(await(store.list("t/", null, 10)).isEmpty());
  }

  @Test
  void putFileStoresTheFileContentAndTakesTheFile() throws Exception {
    byte[] data = allByteValues(300_000);
    Path spool = temp.resolve("spool.bin");
    Files.write(spool, data);
    await(store.putFile("t/file/chunk", spool));
    assertArrayEquals(data, await(store.get("t/file/chunk")).getBytes());
    assertFalse(Files.exists(spool), "the store owns (and removes) the spool file");
  }

  @Test
  void listIsInByteOrderWithPrefixAndStartAfter() {
    // '-' (0x2d) and '.' (0x2e) sort before '/' (0x2f): a naive directory walk gets this wrong.
    List<String> keys = List.of("p/a.c", "p/a/y/z", "p/a-b", "p/b", "p/a/x", "p/a0", "q/a", "pz");
    for (String k : keys) {
      await(store.put(k, bytes(k)));
    }
    assertEquals(List.of("p/a-b", "p/a.c", "p/a/x", "p/a/y/z", "p/a0", "p/b"), keys(await(store.list("p/", null, 100))));
    assertEquals(List.of("p/a/x", "p/a/y/z", "p/a0", "p/b"), keys(await(store.list("p/", "p/a.c", 100))));
    assertEquals(List.of("p/a/y/z", "p/a0"), keys(await(store.list("p/", "p/a/x", 2))));
    assertEquals(List.of("p/a/x", "p/a/y/z"), keys(await(store.list("p/a/", null, 100))));
    assertEquals(List.of("p/a/y/z"), keys(await(store.list("p/a/", "p/a/x", 100))));
    assertEquals(List.of("pz"), keys(await(store.list("pz", null, 100))));
    assertEquals(List.of("p/b"), keys(await(store.list("p/", "p/a0", 100))));
    assertEquals(List.of(), keys(await(store.list("nothing/", null, 100))));
    List<ObjectInfo> infos = await(store.list("p/a/y", null, 100));
    assertEquals(List.of("p/a/y/z"), keys(infos));
    assertEquals("p/a/y/z".length(), infos.get(0).size());
  }

  @Test
  void listWithPrefixInTheMiddleOfASegment() {
    for (String k : List.of("s/ab/x", "s/abc", "s/ab-1", "s/b", "s/a")) {
      await(store.put(k, bytes(k)));
    }
    assertEquals(List.of("s/ab-1", "s/ab/x", "s/abc"), keys(await(store.list("s/ab", null, 100))));
    assertEquals(List.of("s/ab/x", "s/abc"), keys(await(store.list("s/ab", "s/ab-1", 100))));
    assertEquals(List.of("s/ab-1", "s/ab/x"), keys(await(store.list("s/ab", null, 2))));
  }

  @Test
  void listPagesThroughMoreThanAThousandKeys() {
    List<String> expected = new ArrayList<>();
    List<Future<Void>> puts = new ArrayList<>();
    for (int i = 0; i < 1100; i++) {
      String k = String.format("many/%020d", i * 7L);
      expected.add(k);
      puts.add(store.put(k, bytes("")));
      if (puts.size() == 50) {
        await(Future.all(puts));
        puts.clear();
      }
    }
    await(Future.all(puts));
    List<String> seen = new ArrayList<>();
    String after = null;
    while (true) {
      List<ObjectInfo> page = await(store.list("many/", after, 300));
      if (page.isEmpty()) {
        break;
      }
      assertTrue(page.size() <= 300);
      seen.addAll(keys(page));
      after = page.get(page.size() - 1).key();
    }
    assertEquals(expected, seen);
    assertEquals(expected.subList(0, 1000), keys(await(store.list("many/", null, 1000))));
  }

  @Test
  void concurrentPutsAreAllDurableAndReadable() {
    Random r = new Random(7);
    List<byte[]> data = new ArrayList<>();
    List<Future<Void>> puts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      byte[] d = new byte[r.nextInt(5000)];
      r.nextBytes(d);
      data.add(d);
      puts.add(store.put("conc/" + i, Buffer.buffer(d)));
    }
    await(Future.all(puts));
    for (int i = 0; i < 40; i++) {
      assertArrayEquals(data.get(i), await(store.get("conc/" + i)).getBytes());
    }
  }

  @Test
  void invalidKeysAreRejected() {
    for (String k : List.of("", "/abs", "a//b", "a/", "../x", "a/../b", "a/./b", "a/.hidden", "sp ace", "back\\slash",
        "caf\u00e9")) {
      assertEquals(StoreException.Kind.INVALID, storeFailure(store.put(k, bytes("x"))).kind(), k);
      assertEquals(StoreException.Kind.INVALID, storeFailure(store.get(k)).kind(), k);
    }
  }

  @Test
  void pingSucceeds() {
    await(store.ping());
  }

  static List<String> keys(List<ObjectInfo> infos) {
    return infos.stream().map(ObjectInfo::key).toList();
  }

  static byte[] slice(byte[] b, int off, int len) {
    byte[] out = new byte[len];
    System.arraycopy(b, off, out, 0, len);
    return out;
  }
}
