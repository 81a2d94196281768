package io.vidlog.fragmentstore.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Group commit: files ready together share one group (one fsync per distinct directory), and each
 * submission completes only after its own file was fsynced, renamed and its directory fsynced. A
 * recording fsync holds both groups in flight until the rest were submitted, so the grouping is
 * decided by the test, not by timing.
 */
class GroupCommitTest {
  @TempDir
  Path root;

  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final Semaphore heldEntered = new Semaphore(0);
  private final CountDownLatch releaseHeld = new CountDownLatch(1);
  private volatile Set<String> failingSyncs = Set.of();
  private GroupCommit commit;

  /** Records each fsync; the fsync of a file named {@code held/*} waits until {@link #releaseHeld} opens. */
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
    events.add("rename " + root.relativize(target));
  };

  @AfterEach
  void close() {
    if (commit != null) {
      commit.close();
    }
  }

  private GroupCommit open() {
    commit = new GroupCommit("test", recording, renaming, Duration.ZERO);
    return commit;
  }

  /** Writes a spool file for {@code key} and submits it; the completion is recorded as an event. */
  private CompletableFuture<Void> submit(String key) throws IOException {
    Path target = root.resolve(key);
    Files.createDirectories(target.getParent());
    Path file = root.resolve("spool-" + key.replace('/', '-'));
    Files.writeString(file, key);
    return commit.submit(file, target).whenComplete((v, e) -> events.add((e == null ? "done " : "failed ") + key));
  }

  /**
   * Occupies both groups in flight with one held file each, so whatever is submitted next waits and
   * forms one group once {@link #releaseHeld} opens.
   */
  private List<CompletableFuture<Void>> holdBothGroups() throws Exception {
    CompletableFuture<Void> first = submit("held/0");
    assertTrue(heldEntered.tryAcquire(30, TimeUnit.SECONDS), "the first group began its fsyncs");
    CompletableFuture<Void> second = submit("held/1");
    assertTrue(heldEntered.tryAcquire(30, TimeUnit.SECONDS), "the second group began its fsyncs");
    return List.of(first, second);
  }

  private static void awaitAll(List<CompletableFuture<Void>> futures) throws Exception {
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }

  @Test
  void filesReadyTogetherShareAGroupAndOneFsyncPerDirectory() throws Exception {
    open();
    List<CompletableFuture<Void>> held = holdBothGroups();
    List<CompletableFuture<Void>> rest = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      rest.add(submit("s" + (i % 4) + "/" + i));
    }
    releaseHeld.countDown();
    awaitAll(held);
    awaitAll(rest);

    GroupCommit.Stats stats = commit.stats();
    assertEquals(3, stats.groups(), "two held groups, then the twenty that arrived meanwhile together");
    assertEquals(22, stats.files());
    assertEquals(22, stats.fileSyncs());
    assertEquals(1 + 1 + 4, stats.dirSyncs(), "one fsync per distinct directory of each group");
    assertEquals(4, events.stream().filter(e -> e.matches("sync s[0-3]")).count(), "the twenty share four");
    for (int i = 1; i <= 20; i++) {
      assertEquals("s" + (i % 4) + "/" + i, Files.readString(root.resolve("s" + (i % 4) + "/" + i)));
    }
  }

  @Test
  void eachFileCompletesOnlyAfterItsBytesItsRenameAndItsDirectoryAreDurable() throws Exception {
    open();
    List<CompletableFuture<Void>> held = holdBothGroups();
    List<CompletableFuture<Void>> rest = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      rest.add(submit("d" + (i % 3) + "/" + i));
    }
    releaseHeld.countDown();
    awaitAll(held);
    awaitAll(rest);

    List<String> log = List.copyOf(events);
    for (int i = 1; i <= 12; i++) {
      String key = "d" + (i % 3) + "/" + i;
      int synced = log.indexOf("sync spool-" + key.replace('/', '-'));
      int renamed = log.indexOf("rename " + key);
      int done = log.indexOf("done " + key);
      assertTrue(synced >= 0 && synced < renamed, key + ": file fsync before the rename in " + log);
      assertTrue(log.subList(renamed, Math.max(renamed, done)).contains("sync d" + (i % 3)),
          key + ": its directory fsynced after the rename and before the acknowledgement in " + log);
    }
  }

  @Test
  void aFailedFileFsyncFailsOnlyThatFileAndLeavesItsKeyAbsent() throws Exception {
    open();
    failingSyncs = Set.of("spool-b-1");
    List<CompletableFuture<Void>> held = holdBothGroups();
    CompletableFuture<Void> bad = submit("b/1");
    CompletableFuture<Void> good = submit("c/2");
    releaseHeld.countDown();
    awaitAll(held);
    good.get(30, TimeUnit.SECONDS);
    ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(30, TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, e.getCause());
    assertFalse(Files.exists(root.resolve("b/1")), "a file that did not sync never becomes the object");
    assertFalse(Files.exists(root.resolve("spool-b-1")), "its file is removed");
    assertEquals("c/2", Files.readString(root.resolve("c/2")));
  }

  @Test
  void aFailedDirectoryFsyncFailsTheFilesRenamedIntoItOnly() throws Exception {
    open();
    failingSyncs = Set.of("x");
    List<CompletableFuture<Void>> held = holdBothGroups();
    CompletableFuture<Void> inX1 = submit("x/1");
    CompletableFuture<Void> inX2 = submit("x/2");
    CompletableFuture<Void> inY = submit("y/3");
    releaseHeld.countDown();
    awaitAll(held);
    inY.get(30, TimeUnit.SECONDS);
    assertThrows(ExecutionException.class, () -> inX1.get(30, TimeUnit.SECONDS));
    assertThrows(ExecutionException.class, () -> inX2.get(30, TimeUnit.SECONDS));
  }

  @Test
  void closingFailsWhatWasNotCommitted() throws Exception {
    open();
    List<CompletableFuture<Void>> held = holdBothGroups();
    CompletableFuture<Void> queued = submit("q/1");
    commit.close();
    releaseHeld.countDown();
    assertThrows(ExecutionException.class, () -> queued.get(30, TimeUnit.SECONDS));
    assertThrows(ExecutionException.class, () -> commit.submit(root.resolve("x"), root.resolve("q/2")).get());
    for (CompletableFuture<Void> h : held) {
      h.handle((v, e) -> null).get(30, TimeUnit.SECONDS); // completes either way, never hangs
    }
  }
}
