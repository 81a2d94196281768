package io.vidlog.fragmentstore.object;

import static io.vidlog.fragmentstore.testing.Await.await;
import static io.vidlog.fragmentstore.testing.Await.storeFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The contract suite on the fs backend, plus what only a file tree can get wrong. */
class FsObjectStoreTest extends ObjectStoreContract {
  private Path root;

  @Override
  protected ObjectStore newStore(Vertx vertx) {
    root = temp.resolve("objects");
    return new FsObjectStore(vertx, root, FsObjectStore.DEFAULT_WORKERS, Duration.ZERO);
  }

  @Test
  void objectsAreFilesAtTheirKeyPathAndNoTempFilesRemain() throws Exception {
    await(store.put("streams/s1/chunks/0001", bytes("abc")));
    assertEquals("abc", Files.readString(root.resolve("streams/s1/chunks/0001")));
    try (Stream<Path> s = Files.walk(root)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")));
    }
  }

  @Test
  void tempFilesFromACrashAreInvisibleAndRemovedOnceOpen() throws Exception {
    await(store.put("c/real", bytes("ok")));
    Path leftover = root.resolve("c/.tmp-crashed");
    Files.writeString(leftover, "half an object");
    assertEquals(List.of("c/real"), keys(await(store.list("c/", null, 10))));
    store.close();
    store = new FsObjectStore(vertx, root, FsObjectStore.DEFAULT_WORKERS, Duration.ZERO);
    assertEquals("ok", await(store.get("c/real")).toString(), "usable before the sweep is done");
    assertEquals(1, await(((FsObjectStore) store).tempSweep()));
    assertFalse(Files.exists(leftover));
  }

  /** The sweep runs beside the store: it never removes a temp file of this instance's writes in flight. */
  @Test
  void theSweepLeavesThisStoresOwnWritesAlone() throws Exception {
    for (int i = 0; i < 20; i++) {
      Files.writeString(root.resolve(".tmp-crashed-" + i), "x");
    }
    store.close();
    store = new FsObjectStore(vertx, root, FsObjectStore.DEFAULT_WORKERS, Duration.ZERO);
    List<io.vertx.core.Future<Void>> puts = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      puts.add(store.put("w/" + i, bytes("v" + i)));
    }
    await(io.vertx.core.Future.all(puts));
    await(((FsObjectStore) store).tempSweep());
    for (int i = 0; i < 200; i++) {
      assertEquals("v" + i, await(store.get("w/" + i)).toString());
    }
    try (Stream<Path> s = Files.walk(root)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")));
    }
  }

  @Test
  void aKeyCannotBeBothAnObjectAndAPrefix() {
    await(store.put("k/a", bytes("x")));
    assertEquals(StoreException.Kind.CONFLICT, storeFailure(store.put("k/a/b", bytes("y"))).kind());
    await(store.put("k/b/c", bytes("y")));
    assertEquals(StoreException.Kind.CONFLICT, storeFailure(store.put("k/b", bytes("z"))).kind());
    assertEquals("x", await(store.get("k/a")).toString());
  }

  @Test
  void putFileAcrossDirectoriesMovesTheSpoolFile() throws Exception {
    Path spool = temp.resolve("spool");
    Files.createDirectories(spool);
    Path f = Files.write(spool.resolve("x.spool"), new byte[] {1, 2, 3});
    await(store.putFile("m/x", f));
    assertFalse(Files.exists(f));
    assertEquals(3, await(store.get("m/x")).length());
  }

  /**
   * A chunk's commit takes no turn on the store's workers: with every worker held (here by a range
   * read whose reader waits; in a server, reads and a retention sweep's deletes), a putFile into a
   * new directory still completes.
   */
  @Test
  void putFileCompletesWhileEveryStoreWorkerIsBusy() throws Exception {
    store.close();
    store = new FsObjectStore(vertx, root, 1, Duration.ZERO);
    await(store.put("busy/r", bytes("r")));
    java.util.concurrent.CountDownLatch readerIn = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    io.vertx.core.Future<Integer> held = store.readRange("busy/r", 0, 1, bb -> {
      readerIn.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return bb.remaining();
    });
    try {
      assertTrue(readerIn.await(30, java.util.concurrent.TimeUnit.SECONDS), "the only worker is held");
      Path spool = Files.createDirectories(temp.resolve("spool"));
      Path f = Files.write(spool.resolve("c.spool"), new byte[] {4, 5, 6});
      await(store.putFile("streams/new/chunks/1", f));
      assertEquals(3, Files.size(root.resolve("streams/new/chunks/1")));
      assertFalse(held.isComplete(), "the worker was held throughout");
    } finally {
      release.countDown();
    }
    assertEquals(1, await(held));
  }

  @Test
  void storedBufferIsNotAliased() {
    Buffer b = bytes("before");
    await(store.put("alias", b));
    b.setByte(0, (byte) 'X');
    assertEquals("before", await(store.get("alias")).toString());
  }

  @Test
  void rangeReadsGiveTheirPooledBufferBackWhateverTheReaderDoes() {
    FsObjectStore fs = (FsObjectStore) store;
    byte[] big = allByteValues(FsObjectStore.READ_BUFFER_BYTES + 5000);
    await(store.put("p/big", Buffer.buffer(big)));
    for (int i = 0; i < 3; i++) {
      assertEquals(1000, await(readRangeOnContext("p/big", 10, 1000, java.nio.ByteBuffer::remaining)));
      assertEquals(big.length, await(readRangeOnContext("p/big", 0, big.length, java.nio.ByteBuffer::remaining)),
          "a range over the pooled size gets a buffer of its own");
      storeFailure(readRangeOnContext("p/big", 0, 10, bb -> {
        throw new StoreException(StoreException.Kind.INTEGRITY, "no");
      }));
      assertThrows(IllegalStateException.class, () -> await(readRangeOnContext("p/big", 0, 10, bb -> {
        throw new IllegalStateException("reader bug");
      })));
      assertEquals(StoreException.Kind.NOT_FOUND, storeFailure(readRangeOnContext("p/none", 0, 10, bb -> 0)).kind());
    }
    assertEquals(0, fs.readBuffersInUse());
  }

  @Test
  void aPooledBufferIsNotSeenByTheNextRead() {
    await(store.put("p/long", Buffer.buffer(allByteValues(5000))));
    await(store.put("p/short", bytes("xyz")));
    await(readRangeOnContext("p/long", 0, 5000, bb -> null));
    assertEquals("xyz", await(store.getRange("p/short", 0, 100)).toString());
    assertEquals(3, await(readRangeOnContext("p/short", 0, 100, java.nio.ByteBuffer::remaining)));
  }

  /** A full file system (ENOSPC, or a quota: EDQUOT) is FULL, which ingest acks as 5001 STORE_FULL. */
  @Test
  void noSpaceLeftIsFull() {
    assertEquals(StoreException.Kind.FULL, FsObjectStore.map(
        new java.nio.file.FileSystemException("/data/objects/k", null, "No space left on device"), "put k").kind());
    assertEquals(StoreException.Kind.FULL,
        FsObjectStore.map(new java.io.IOException("No space left on device"), "put k").kind());
    assertEquals(StoreException.Kind.FULL,
        FsObjectStore.map(new java.io.IOException("Disk quota exceeded"), "put k").kind());
    assertEquals(StoreException.Kind.UNAVAILABLE, FsObjectStore.map(
        new java.nio.file.FileSystemException("/data/objects/k", null, "Read-only file system"), "put k").kind());
    assertEquals(StoreException.Kind.INTERNAL,
        FsObjectStore.map(new java.io.IOException("Input/output error"), "put k").kind());
  }

  @Test
  void freeBytesAreTheFileSystemsUsableSpace() throws Exception {
    long free = await(store.freeBytes());
    assertTrue(free > 0 && free <= Files.getFileStore(root).getTotalSpace(), "free bytes " + free);
  }
}
