package io.vidlog.fragmentstore.object;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Group commit of the fs backend's writes: a written file becomes an object by fsync (its bytes),
 * rename into place, and fsync of its directory (the rename). Files submitted within one bounded
 * window, or while the previous group was being made durable, are committed together: their fsyncs
 * are issued at once (so the file system folds them into shared journal commits and cache flushes
 * instead of one after another), then all renames, then one fsync per distinct directory of the
 * group. Each submission completes only after its own file and its own directory were fsynced, so
 * an acknowledgement still means "durable"; a failure fails only the submissions it concerns.
 *
 * <p>One committer thread forms the groups; the fsyncs of a group run on a pool. Two groups are in
 * flight at once (the next one's file fsyncs overlap this one's directory fsyncs; renames stay in
 * group order). A group is at most {@link #MAX_GROUP} files, and a submission waits at most the
 * window plus the commits of the groups before it.
 */
final class GroupCommit implements AutoCloseable {
  static final int MAX_GROUP = 256;
  /** How long the first file of a group waits for others; arrivals during a commit never wait. */
  static final Duration DEFAULT_WINDOW = Duration.ofMillis(Long.getLong("vidlog.fs.groupCommitWindowMs", 2));
  /** fsyncs wait on the disk, not the CPU: enough at once for the journal to fold a whole group together. */
  private static final int SYNC_THREADS = 32;
  private static final int GROUPS_IN_FLIGHT = 2;

  /** fsync of a file or a directory; tests substitute one that records or fails. */
  interface Syncer {
    void fsync(Path path) throws IOException;

    Syncer FILE_SYSTEM = path -> {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
        ch.force(true);
      }
    };
  }

  /** Counters since start: groups committed, files in them, file fsyncs and directory fsyncs issued. */
  record Stats(long groups, long files, long fileSyncs, long dirSyncs) {}

  /** How a file reaches its key: moved (the caller's spool or temp file) or, across file systems, copied. */
  interface Placer {
    void place(Path file, Path target) throws IOException;
  }

  private record Entry(Path file, Path target, long submittedNanos, CompletableFuture<Void> done) {}

  private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
  private final Syncer syncer;
  private final Placer placer;
  private final long windowNanos;
  private final ExecutorService syncPool;
  private final Thread committer;
  /** Two groups at once: one in its file fsyncs while the one before it is in its directory fsyncs. */
  private final Semaphore groupsInFlight = new Semaphore(GROUPS_IN_FLIGHT);
  private final ExecutorService groupRunner;
  private final LongAdder groups = new LongAdder();
  private final LongAdder files = new LongAdder();
  private final LongAdder fileSyncs = new LongAdder();
  private final LongAdder dirSyncs = new LongAdder();
  private volatile boolean closed;

  GroupCommit(String name, Syncer syncer, Placer placer, Duration window) {
    this.syncer = syncer;
    this.placer = placer;
    this.windowNanos = window.toNanos();
    AtomicInteger n = new AtomicInteger();
    this.syncPool = Executors.newFixedThreadPool(SYNC_THREADS, r -> {
      Thread t = new Thread(r, name + "-fsync-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.groupRunner = Executors.newFixedThreadPool(GROUPS_IN_FLIGHT, r -> {
      Thread t = new Thread(r, name + "-group-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.committer = new Thread(this::run, name + "-commit");
    committer.setDaemon(true);
    committer.start();
  }

  /** The default placement: an atomic rename, or a durable copy when the file lives on another file system. */
  static Placer renameOrCopy(String tempPrefix) {
    return (file, target) -> {
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new StoreException(StoreException.Kind.CONFLICT, "an object key is also a prefix of other keys");
      }
      try {
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException crossDevice) {
        Path temp = target.resolveSibling(tempPrefix + java.util.UUID.randomUUID());
        try {
          Files.copy(file, temp);
          Syncer.FILE_SYSTEM.fsync(temp);
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
          Files.deleteIfExists(temp);
          throw e;
        }
        Files.deleteIfExists(file);
      }
    };
  }

  /**
   * Makes the written {@code file} the object at {@code target} (whose directory exists): completes
   * once the file's bytes and the rename are durable. On failure the file is deleted and the target
   * keeps its old state.
   */
  CompletableFuture<Void> submit(Path file, Path target) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new StoreException(StoreException.Kind.UNAVAILABLE, "the fs object store is closed"));
      return done;
    }
    queue.add(new Entry(file, target, System.nanoTime(), done));
    return done;
  }

  Stats stats() {
    return new Stats(groups.sum(), files.sum(), fileSyncs.sum(), dirSyncs.sum());
  }

  @Override
  public void close() {
    closed = true;
    committer.interrupt();
    groupRunner.shutdownNow();
    syncPool.shutdown();
    List<Entry> left = new ArrayList<>();
    queue.drainTo(left);
    for (Entry e : left) {
      e.done.completeExceptionally(new StoreException(StoreException.Kind.UNAVAILABLE, "the fs object store closed"));
    }
  }

  private void run() {
    CompletableFuture<Void> previousPlaced = CompletableFuture.completedFuture(null);
    while (!closed) {
      List<Entry> group = new ArrayList<>();
      try {
        groupsInFlight.acquire(); // first: what arrives while both groups are busy joins the next one
        Entry first = queue.take();
        group.add(first);
        long deadline = first.submittedNanos + windowNanos;
        while (group.size() < MAX_GROUP) {
          long wait = deadline - System.nanoTime();
          Entry next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          group.add(next);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail(group, new StoreException(StoreException.Kind.UNAVAILABLE, "the fs object store closed"));
        return;
      }
      CompletableFuture<Void> placed = new CompletableFuture<>();
      CompletableFuture<Void> before = previousPlaced;
      previousPlaced = placed;
      try {
        groupRunner.execute(() -> {
          try {
            commit(group, before, placed);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(group, new StoreException(StoreException.Kind.UNAVAILABLE, "the fs object store closed"));
          } catch (RuntimeException | Error e) {
            fail(group, e);
          } finally {
            placed.complete(null);
            groupsInFlight.release();
          }
        });
      } catch (RejectedExecutionException closing) {
        fail(group, new StoreException(StoreException.Kind.UNAVAILABLE, "the fs object store closed"));
        return;
      }
    }
  }

  /**
   * fsync every file at once; rename each that synced (after the previous group's renames, so two
   * writes of one key keep their order); fsync each directory once; then complete. The next group's
   * file fsyncs overlap this group's directory fsyncs.
   */
  private void commit(List<Entry> group, CompletableFuture<Void> previousPlaced, CompletableFuture<Void> placed)
      throws InterruptedException {
    groups.increment();
    files.add(group.size());
    List<Entry> synced = new ArrayList<>(group.size());
    List<IOException> fileFailures = syncAll(group.stream().map(Entry::file).toList(), fileSyncs);
    for (int i = 0; i < group.size(); i++) {
      Entry e = group.get(i);
      if (fileFailures.get(i) != null) {
        discard(e, fileFailures.get(i));
      } else {
        synced.add(e);
      }
    }
    try {
      previousPlaced.get();
    } catch (ExecutionException impossible) {
      // never completed exceptionally (see run)
    }
    // in submission order: of two writes of one key, the later one wins, as it would alone
    Map<Path, List<Entry>> byDir = new LinkedHashMap<>();
    for (Entry e : synced) {
      try {
        placer.place(e.file, e.target);
        byDir.computeIfAbsent(e.target.getParent(), d -> new ArrayList<>()).add(e);
      } catch (IOException | RuntimeException failure) {
        discard(e, failure);
      }
    }
    placed.complete(null);
    // each directory's files are acknowledged as soon as that directory is durable
    syncAll(new ArrayList<>(byDir.keySet()), dirSyncs, (dir, failure) -> {
      for (Entry e : byDir.get(dir)) {
        if (failure == null) {
          e.done.complete(null);
        } else {
          e.done.completeExceptionally(new IOException("directory fsync failed: " + dir, failure));
        }
      }
    });
  }

  /** fsyncs the paths in parallel; returns each one's failure (null when it synced). */
  private List<IOException> syncAll(List<Path> paths, LongAdder counter) throws InterruptedException {
    return syncAll(paths, counter, (p, failure) -> { });
  }

  /** The same, and runs {@code then} for each path right after its own fsync returned. */
  private List<IOException> syncAll(List<Path> paths, LongAdder counter, BiConsumer<Path, IOException> then)
      throws InterruptedException {
    List<IOException> failures = new ArrayList<>(paths.size());
    if (paths.size() == 1) {
      IOException failure = syncOne(paths.get(0), counter);
      then.accept(paths.get(0), failure);
      failures.add(failure);
      return failures;
    }
    List<Future<IOException>> pending = new ArrayList<>(paths.size());
    for (Path p : paths) {
      pending.add(syncPool.submit(() -> {
        IOException failure = syncOne(p, counter);
        then.accept(p, failure);
        return failure;
      }));
    }
    for (Future<IOException> f : pending) {
      try {
        failures.add(f.get());
      } catch (ExecutionException e) {
        failures.add(new IOException("fsync failed", e.getCause()));
      }
    }
    return failures;
  }

  private IOException syncOne(Path path, LongAdder counter) {
    counter.increment();
    try {
      syncer.fsync(path);
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  private static void discard(Entry e, Throwable failure) {
    try {
      Files.deleteIfExists(e.file);
    } catch (IOException ignored) {
      // the temp-file sweep or the spool cleanup removes it later
    }
    e.done.completeExceptionally(failure);
  }

  private static void fail(List<Entry> group, Throwable failure) {
    for (Entry e : group) {
      e.done.completeExceptionally(failure);
    }
  }
}
