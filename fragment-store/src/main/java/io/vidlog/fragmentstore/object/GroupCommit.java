package io.vidlog.fragmentstore.object;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Commit of the fs backend's writes: a written file becomes an object by fsync (its bytes), rename
 * into place, and fsync of its directory (the rename). Each file is committed the moment it is
 * submitted, on a pool of fsync threads, with no barrier between files: concurrent fsyncs are folded
 * by the file system's journal into shared commits and cache flushes (a journal commit covers
 * every change made before it starts, so the commits adapt to the disk: the slower one commit, the
 * more the next one carries), and a directory's fsyncs are shared through {@link GroupSync} (one
 * fsync covers every rename made in the directory before it began). A submission completes only
 * after its own file and its own directory were fsynced, so an acknowledgement still means
 * "durable"; a failure fails only the submissions it concerns.
 *
 * <p>Why no barrier: when the files of a group are fsynced together and the group completes as one,
 * every file waits for the slowest of them, and what arrives meanwhile waits for the whole group
 * before its own fsync starts; a slow group makes the next one larger and slower still, a loop
 * that a disk near its write rate (hundreds of cameras) enters at the first hiccup.
 *
 * <p>Order: two writes of one key are renamed in submission order (the later one wins, as it would
 * alone); the pool starts tasks in submission order, so a task only ever waits for one started
 * before it. Directory fsyncs of deletes run on a small pool of their own, so retention never holds
 * up the commits that acknowledge ingest.
 */
final class GroupCommit implements AutoCloseable {
  /** fsyncs wait on the disk, not the CPU: enough at once for the journal to fold many together. */
  static final int SYNC_THREADS = Integer.getInteger("vidlog.fs.syncThreads", 32);
  /** Deletes' directory fsyncs at once: retention gets a share of the disk, never all of it. */
  static final int DELETE_SYNC_THREADS = 4;

  /** fsync of a file or a directory; tests substitute one that records or fails. */
  interface Syncer {
    void fsync(Path path) throws IOException;

    Syncer FILE_SYSTEM = path -> {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
        ch.force(true);
      }
    };
  }

  /** Counters since start: files committed, file fsyncs and directory fsyncs issued. */
  record Stats(long files, long fileSyncs, long dirSyncs) {}

  /** How a file reaches its key: moved (the caller's spool or temp file) or, across file systems, copied. */
  interface Placer {
    void place(Path file, Path target) throws IOException;
  }

  private final Path root;
  private final Syncer syncer;
  private final Placer placer;
  private final GroupSync dirSync;
  private final ThreadPoolExecutor syncPool;
  private final ThreadPoolExecutor deletePool;
  /** The placement of the latest submission per target that is not placed yet: a later one waits for it. */
  private final ConcurrentHashMap<Path, CompletableFuture<Void>> lastPlacement = new ConcurrentHashMap<>();
  private final LongAdder files = new LongAdder();
  private final LongAdder fileSyncs = new LongAdder();
  private volatile boolean closed;

  /** Commits files into the tree under {@code root} (directories missing below it are created durably). */
  GroupCommit(String name, Path root, Syncer syncer, Placer placer) {
    this(name, root, syncer, placer, SYNC_THREADS);
  }

  /** With {@code threads} fsyncs at once (tests: few, to queue submissions behind a held one). */
  GroupCommit(String name, Path root, Syncer syncer, Placer placer, int threads) {
    this.root = root;
    this.syncer = syncer;
    this.placer = placer;
    this.dirSync = new GroupSync(syncer);
    this.syncPool = pool(name + "-fsync-", threads);
    this.deletePool = pool(name + "-delete-fsync-", DELETE_SYNC_THREADS);
  }

  private static ThreadPoolExecutor pool(String prefix, int threads) {
    AtomicInteger n = new AtomicInteger();
    // FIFO: tasks start in submission order (the placement order relies on it)
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
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

  /** A submitted file: the pool task that commits it, failed as a whole if the store closes first. */
  private final class Commit implements Runnable {
    final Path file;
    final Path target;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final CompletableFuture<Void> placed;
    /** The placement of the previous submission of the same target still in flight, or null. */
    final CompletableFuture<Void> previous;

    Commit(Path file, Path target, CompletableFuture<Void> placed, CompletableFuture<Void> previous) {
      this.file = file;
      this.target = target;
      this.placed = placed;
      this.previous = previous;
    }

    @Override
    public void run() {
      try {
        commit(this);
      } catch (RuntimeException | Error e) {
        discard(this, e);
      } finally {
        placedOrAbandoned(this);
      }
    }
  }

  /**
   * Makes the written {@code file} the object at {@code target}, creating the target's missing
   * directories durably: completes once the file's bytes and the rename are durable. On failure the
   * file is deleted and the target keeps its old state.
   */
  CompletableFuture<Void> submit(Path file, Path target) {
    if (closed) {
      return CompletableFuture.failedFuture(closedFailure());
    }
    Commit c;
    synchronized (lastPlacement) { // the order of two submissions of one target is the order they enter the pool
      CompletableFuture<Void> placed = new CompletableFuture<>();
      c = new Commit(file, target, placed, lastPlacement.put(target, placed));
      try {
        syncPool.execute(c);
      } catch (RejectedExecutionException closing) {
        lastPlacement.remove(target, placed);
        placed.complete(null);
        return CompletableFuture.failedFuture(closedFailure());
      }
    }
    return c.done;
  }

  /**
   * Makes durable every change made in {@code dir} before this call (an unlink): one directory fsync,
   * shared with the commits into that directory, on the deletes' own small pool.
   */
  CompletableFuture<Void> syncDirectory(Path dir) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      deletePool.execute(() -> {
        try {
          dirSync.sync(dir);
          done.complete(null);
        } catch (IOException | RuntimeException e) {
          done.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException closing) {
      done.completeExceptionally(closedFailure());
    }
    return done;
  }

  /** Creates the missing directories of {@code dir} below the root, each made durable in its parent. Blocking. */
  void ensureDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    List<Path> created = new ArrayList<>();
    for (Path d = dir; d != null && !d.equals(root) && !Files.isDirectory(d); d = d.getParent()) {
      created.add(0, d);
    }
    for (Path d : created) {
      try {
        Files.createDirectory(d);
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(d)) {
          throw new StoreException(StoreException.Kind.CONFLICT,
              "key path component " + root.relativize(d) + " is an object, not a prefix", e);
        }
      }
      dirSync.sync(d.getParent());
    }
  }

  Stats stats() {
    return new Stats(files.sum(), fileSyncs.sum(), dirSync.fsyncs());
  }

  @Override
  public void close() {
    closed = true;
    List<Runnable> left = new ArrayList<>(syncPool.shutdownNow());
    deletePool.shutdownNow();
    for (Runnable r : left) {
      if (r instanceof Commit c) {
        c.done.completeExceptionally(closedFailure());
        c.placed.complete(null);
      }
    }
  }

  private static StoreException closedFailure() {
    return new StoreException(StoreException.Kind.UNAVAILABLE, "the fs object store is closed");
  }

  /** fsync the file; rename it after the previous submission of its key; fsync its directory; complete. */
  private void commit(Commit c) {
    files.increment();
    try {
      ensureDirectory(c.target.getParent());
      fileSyncs.increment();
      syncer.fsync(c.file);
    } catch (IOException | RuntimeException e) {
      discard(c, e);
      return;
    }
    if (c.previous != null) {
      c.previous.join(); // started before this task (FIFO pool) and always completed (see Commit.run)
    }
    try {
      placer.place(c.file, c.target);
    } catch (IOException | RuntimeException e) {
      discard(c, e);
      return;
    }
    c.placed.complete(null);
    Path dir = c.target.getParent();
    try {
      dirSync.sync(dir);
    } catch (IOException e) {
      c.done.completeExceptionally(new IOException("directory fsync failed: " + dir, e));
      return;
    }
    c.done.complete(null);
  }

  private void placedOrAbandoned(Commit c) {
    c.placed.complete(null);
    lastPlacement.computeIfPresent(c.target, (t, latest) -> latest.isDone() ? null : latest);
  }

  private static void discard(Commit c, Throwable failure) {
    try {
      Files.deleteIfExists(c.file);
    } catch (IOException ignored) {
      // the temp-file sweep or the spool cleanup removes it later
    }
    c.done.completeExceptionally(failure);
  }
}
