package io.vidlog.fragmentstore.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits: each submission completes only after its own file was fsynced, renamed and its directory
 * fsynced; a slow file holds up nobody submitted after it; two writes of one key keep their order;
 * a failure fails only what it concerns. A recording fsync holds chosen files until the test opens
 * it, so what overlaps is decided by the test, not by timing.
 */
class GroupCommitTest {
  @TempDir
  Path root;

  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final Semaphore heldEntered = new Semaphore(0);
  private final CountDownLatch releaseHeld = new CountDownLatch(1);
  private volatile Set<String> failingSyncs = Set.of();
  private GroupCommit commit;

  /** Records each fsync; the fsync of a file named {@code spool-held*} waits until {@link #releaseHeld} opens. */
  private final GroupCommit.Syncer recording = path -> {
    String name = root.relativize(path).toString();
    if (name.startsWith("spool-held")) {
      heldEntered.release();
      try {
        releaseHeld.await();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    }
    events.add("sync " + name);
    if (failingSyncs.contains(name)) {
      throw new IOException("injected fsync failure of " + name);
    }
  };

  private final GroupCommit.Placer renaming = (file, target) -> {
    GroupCommit.renameOrCopy(".tmp-test-").place(file, target);
    events.add("rename " + root.relativize(target) + " from " + root.relativize(file));
  };

  @AfterEach
  void close() {
    releaseHeld.countDown();
    if (commit != null) {
      commit.close();
    }
  }

  private GroupCommit open(int threads) {
    commit = new GroupCommit("test", root, recording, renaming, threads);
    return commit;
  }

  /** Writes a spool file for {@code key} and submits it; the completion is recorded as an event. */
  private CompletableFuture<Void> submit(String key) throws IOException {
    return submit("spool-" + key.replace('/', '-'), key, key);
  }

  private CompletableFuture<Void> submit(String spool, String key, String content) throws IOException {
    Path file = root.resolve(spool);
    Files.writeString(file, content);
    return commit.submit(file, root.resolve(key)).whenComplete((v, e) -> events.add((e == null ? "done " : "failed ") + key));
  }

  /** Submits a file whose fsync is held until {@link #releaseHeld} opens, and waits until it is. */
  private CompletableFuture<Void> submitHeld(String key) throws Exception {
    CompletableFuture<Void> held = submit("spool-held-" + key.replace('/', '-'), key, "held " + key);
    assertTrue(heldEntered.tryAcquire(30, TimeUnit.SECONDS), "the held file's fsync began");
    return held;
  }

  private static void awaitAll(List<CompletableFuture<Void>> futures) throws Exception {
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }

  @Test
  void aSlowFileHoldsUpNoFileSubmittedAfterIt() throws Exception {
    open(4);
    CompletableFuture<Void> held = submitHeld("slow/0");
    List<CompletableFuture<Void>> rest = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      rest.add(submit("s" + (i % 4) + "/" + i));
    }
    awaitAll(rest); // while the first file is still in its fsync
    assertFalse(held.isDone(), "the held file is not acknowledged before its fsync returned");
    assertFalse(Files.exists(root.resolve("slow/0")), "nor renamed");
    for (int i = 1; i <= 20; i++) {
      assertEquals("s" + (i % 4) + "/" + i, Files.readString(root.resolve("s" + (i % 4) + "/" + i)));
    }
    releaseHeld.countDown();
    held.get(30, TimeUnit.SECONDS);
    GroupCommit.Stats stats = commit.stats();
    assertEquals(21, stats.files());
    assertEquals(21, stats.fileSyncs());
    assertTrue(stats.dirSyncs() >= 5, "every directory fsynced at least once: " + stats);
  }

  @Test
  void eachFileCompletesOnlyAfterItsBytesItsRenameAndItsDirectoryAreDurable() throws Exception {
    open(4);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      all.add(submit("d" + (i % 3) + "/" + i));
    }
    awaitAll(all);

    List<String> log = List.copyOf(events);
    for (int i = 1; i <= 12; i++) {
      String key = "d" + (i % 3) + "/" + i;
      String spool = "spool-" + key.replace('/', '-');
      int synced = log.indexOf("sync " + spool);
      int renamed = log.indexOf("rename " + key + " from " + spool);
      int done = log.indexOf("done " + key);
      assertTrue(synced >= 0 && synced < renamed, key + ": file fsync before the rename in " + log);
      assertTrue(log.subList(renamed, Math.max(renamed, done)).contains("sync d" + (i % 3)),
          key + ": its directory fsynced after the rename and before the acknowledgement in " + log);
    }
  }

  @Test
  void twoWritesOfOneKeyAreRenamedInSubmissionOrderEvenWhenTheFirstSyncsLast() throws Exception {
    open(4);
    CompletableFuture<Void> first = submitHeld("k/x");
    CompletableFuture<Void> second = submit("spool-second", "k/x", "second");
    assertFalse(second.isDone(), "the later write waits for the earlier one's rename");
    releaseHeld.countDown();
    awaitAll(List.of(first, second));
    assertEquals("second", Files.readString(root.resolve("k/x")), "the later write wins, as it would alone");
    List<String> log = List.copyOf(events);
    assertTrue(log.indexOf("rename k/x from spool-held-k-x") < log.indexOf("rename k/x from spool-second"), log.toString());
  }

  @Test
  void missingDirectoriesAreCreatedAndTheirParentsFsynced() throws Exception {
    open(2);
    submit("a/b/c/1").get(30, TimeUnit.SECONDS);
    assertEquals("a/b/c/1", Files.readString(root.resolve("a/b/c/1")));
    List<String> log = List.copyOf(events);
    for (String parent : List.of("sync ", "sync a", "sync a/b")) {
      assertTrue(log.indexOf(parent) >= 0 && log.indexOf(parent) < log.indexOf("done a/b/c/1"),
          parent + " before the acknowledgement in " + log);
    }
  }

  @Test
  void aFailedFileFsyncFailsOnlyThatFileAndLeavesItsKeyAbsent() throws Exception {
    open(4);
    failingSyncs = Set.of("spool-b-1");
    CompletableFuture<Void> bad = submit("b/1");
    CompletableFuture<Void> good = submit("c/2");
    good.get(30, TimeUnit.SECONDS);
    ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(30, TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, e.getCause());
    assertFalse(Files.exists(root.resolve("b/1")), "a file that did not sync never becomes the object");
    assertFalse(Files.exists(root.resolve("spool-b-1")), "its file is removed");
    assertEquals("c/2", Files.readString(root.resolve("c/2")));
  }

  @Test
  void aFailedDirectoryFsyncFailsTheFilesRenamedIntoItOnly() throws Exception {
    Files.createDirectories(root.resolve("x"));
    Files.createDirectories(root.resolve("y"));
    open(4);
    failingSyncs = Set.of("x");
    CompletableFuture<Void> inX1 = submit("x/1");
    CompletableFuture<Void> inX2 = submit("x/2");
    CompletableFuture<Void> inY = submit("y/3");
    inY.get(30, TimeUnit.SECONDS);
    assertThrows(ExecutionException.class, () -> inX1.get(30, TimeUnit.SECONDS));
    assertThrows(ExecutionException.class, () -> inX2.get(30, TimeUnit.SECONDS));
  }

  @Test
  void aDeletesDirectoryFsyncIsSharedWithTheCommitsAndCounted() throws Exception {
    Files.createDirectories(root.resolve("r"));
    open(2);
    commit.syncDirectory(root.resolve("r")).get(30, TimeUnit.SECONDS);
    assertTrue(events.contains("sync r"), events.toString());
    assertEquals(1, commit.stats().dirSyncs());
  }

  @Test
  void closingFailsWhatWasNotCommitted() throws Exception {
    open(1);
    CompletableFuture<Void> held = submitHeld("h/0");
    CompletableFuture<Void> queued = submit("q/1");
    commit.close();
    releaseHeld.countDown();
    assertThrows(ExecutionException.class, () -> queued.get(30, TimeUnit.SECONDS));
    assertThrows(ExecutionException.class, () -> commit.submit(root.resolve("x"), root.resolve("q/2")).get());
    held.handle((v, e) -> null).get(30, TimeUnit.SECONDS); // completes either way, never hangs
  }
}
