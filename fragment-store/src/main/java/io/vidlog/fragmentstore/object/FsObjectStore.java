package io.vidlog.fragmentstore.object;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code fs} backend: every object is one file under the store's root ({@code <data-dir>/objects}),
 * at the path its key names (keys are checked by {@link ObjectKeys}, so a key can never leave the root).
 *
 * <p>Writes are durable and atomic, the pattern Thanos, Loki and Tempo use for their filesystem
 * object stores: the bytes go to a {@code .tmp-*} file in the root's temp directory {@code .tmp}
 * (or arrive as a spool file), which is fsynced and renamed over the key's path (one file system,
 * so the rename is atomic), then the key's directory is fsynced. Puts across
 * keys and streams are committed at once, their fsyncs shared by the journal and, per directory,
 * by {@link GroupSync} ({@link GroupCommit}); each completes only once its own file and directory
 * are durable. A crash leaves either the whole new object or the old
 * state; the temp files a crash leaves behind are invisible to {@link #list} (a dot name) and,
 * being all in the temp directory, removed when the store is next opened, before its first write:
 * a server restarted again and again (a crash loop) does not pile them up. Temp files in key
 * directories (where earlier versions wrote them, and the copy across file systems still does) are
 * removed by a sweep that starts a minute after the store is opened and runs beside it
 * ({@link #tempSweep()}): it walks every file, so it must not hold up start-up, which would then
 * grow with what the store retains. Each store instance names its temp files with a tag of its
 * own, and the sweep removes only other instances' files, never a write of this one in flight.
 * Blocking work runs on the worker pool {@code vidlog-store-fs}, the sweep on a thread of its own.
 *
 * <p>Limitation of a file tree: a key cannot be both an object and the directory of other keys
 * ({@code a} and {@code a/b}); such a put fails with CONFLICT. vidlog's key layout never does that.
 */
public final class FsObjectStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(FsObjectStore.class);
  static final String TEMP_PREFIX = ".tmp-";
  /** The directory under the root that holds the temp files of puts (a dot name: never listed as keys). */
  static final String TEMP_DIR = ".tmp";
  /**
   * How long after opening the temp-file sweep starts: a server's start-up and first requests do not
   * share the disk and the CPU with a walk of every object (a minute of leftovers is invisible anyway).
   */
  static final Duration SWEEP_DELAY = Duration.ofSeconds(60);
  /** Default worker threads: fsync waits on the disk, not the CPU, and concurrent fsyncs share journal commits. */
  public static final int DEFAULT_WORKERS = 16;
  static final int READ_BUFFER_BYTES = (1 << 20) + 4096;
  /** Read buffers kept for reuse (about 8 MiB); more concurrent reads allocate and drop their own. */
  static final int READ_BUFFERS_KEPT = 8;

  private final Path root;
  private final Path tempDir;
  /** This instance's temp-file prefix: {@code .tmp-<random tag>-}. */
  private final String tempPrefix = TEMP_PREFIX + Long.toHexString(new SecureRandom().nextLong() | 1L << 62) + "-";
  private final CompletableFuture<Integer> swept = new CompletableFuture<>();
  private volatile boolean closed;
  private final Duration sweepDelay;
  private final Thread sweeper;
  private final WorkerExecutor workers;
  private final GroupCommit commits;
  /** Sized for one replay range of 16 sealed 64 KiB segments (1 MiB + 256 B); larger reads get their own buffer. */
  private final ReadBufferPool readBuffers = new ReadBufferPool(READ_BUFFER_BYTES, READ_BUFFERS_KEPT);

  /**
   * Opens (creating if needed) a store rooted at {@code root}; a minute later it starts removing the
   * temp files a crash may have left ({@link #tempSweep()}). Blocks on the file system briefly: call it at
   * start-up or through {@link ObjectStores#fs}.
   */
  public FsObjectStore(Vertx vertx, Path root) {
    this(vertx, root, DEFAULT_WORKERS);
  }

  public FsObjectStore(Vertx vertx, Path root, int workerThreads) {
    this(vertx, root, workerThreads, SWEEP_DELAY);
  }

  /** With the temp-file sweep starting {@code sweepDelay} after opening (tests: zero). */
  public FsObjectStore(Vertx vertx, Path root, int workerThreads, Duration sweepDelay) {
    this.root = root.toAbsolutePath().normalize();
    this.sweepDelay = sweepDelay;
    this.tempDir = this.root.resolve(TEMP_DIR);
    try {
      Files.createDirectories(tempDir);
      removeLeftTempFiles(tempDir);
    } catch (IOException e) {
      throw map(e, "open store at " + this.root);
    }
    this.workers = vertx.createSharedWorkerExecutor("vidlog-store-fs", workerThreads);
    this.commits = new GroupCommit("vidlog-store-fs", this.root, GroupCommit.Syncer.FILE_SYSTEM,
        GroupCommit.renameOrCopy(tempPrefix));
    sweeper = new Thread(this::sweepTempFiles, "vidlog-store-fs-sweep");
    sweeper.setDaemon(true);
    sweeper.start();
  }

  /**
   * Completes with the number of leftover temp files removed once the sweep started at opening has
   * walked the whole store (tests, operators' tools); it fails if the walk failed.
   */
  public Future<Integer> tempSweep() {
    return Future.fromCompletionStage(swept);
  }

  public Path root() {
    return root;
  }

  @Override
  public Future<Void> put(String key, Buffer data) {
    return blocking("put", key, () -> {
      Path target = pathOf(key);
      Path temp = tempDir.resolve(tempPrefix + UUID.randomUUID());
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer bb = ((BufferInternal) data).getByteBuf().nioBuffer();
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(temp);
        throw e;
      }
      return new Placement(temp, target);
    }).compose(p -> committed("put", key, p));
  }

  @Override
  public Future<Void> putFile(String key, Path file) {
    // Same file system: the spool file itself becomes the object (rename(2) is atomic). No worker
    // turn: the commit's own thread creates a missing directory, so a put never queues behind
    // reads or deletes on the store's workers.
    Path target;
    try {
      target = pathOf(key);
    } catch (StoreException e) {
      return Future.failedFuture(e);
    }
    return committed("putFile", key, new Placement(file, target));
  }

  private record Placement(Path file, Path target) {}

  /** Hands a written file to the commit; completes on the caller's context once it is durable. */
  private Future<Void> committed(String op, String key, Placement p) {
    Context context = Vertx.currentContext();
    CompletableFuture<Void> durable = commits.submit(p.file(), p.target());
    Future<Void> f = context == null ? Future.fromCompletionStage(durable) : Future.fromCompletionStage(durable, context);
    return f.recover(e -> Future.failedFuture(e instanceof IOException io ? map(io, op + " " + key) : e));
  }

  /**
   * Commit counters since the store opened: files committed, and the file and directory fsyncs
   * issued, deletes' included (operators' metrics, the ingest benchmark's flushes per fragment).
   */
  public CommitStats commitStats() {
    GroupCommit.Stats s = commits.stats();
    return new CommitStats(s.files(), s.fileSyncs(), s.dirSyncs());
  }

  /** See {@link #commitStats()}. */
  public record CommitStats(long files, long fileSyncs, long dirSyncs) {}

  @Override
  public Future<Buffer> get(String key) {
    return blocking("get", key, () -> Buffer.buffer(Files.readAllBytes(objectFile(key))));
  }

  @Override
  public Future<Buffer> getRange(String key, long offset, long length) {
    // one copy out of the pooled read buffer into a Vert.x buffer
    return readRange(key, offset, length, bytes -> Buffer.buffer(bytes.remaining())
        .appendBytes(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining()));
  }

  /**
   * Reads the range with positional reads into a pooled heap buffer on a store worker and runs
   * {@code reader} there on that buffer, so a caller that decrypts the range needs neither a copy
   * nor an event-loop turn. The buffer goes back to the pool when the reader returns or throws.
   */
  @Override
  public <T> Future<T> readRange(String key, long offset, long length, Function<ByteBuffer, T> reader) {
    if (offset < 0 || length < 0) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID,
          "invalid range offset=" + offset + " length=" + length + " for " + key));
    }
    return blocking("getRange", key, () -> {
      ByteBuffer bb;
      try (FileChannel ch = FileChannel.open(objectFile(key), StandardOpenOption.READ)) {
        long n = Math.max(0, Math.min(length, ch.size() - offset));
        if (n > Integer.MAX_VALUE - 16) {
          throw new StoreException(StoreException.Kind.INVALID, "range of " + n + " bytes is too large for " + key);
        }
        bb = readBuffers.acquire((int) n);
        try {
          long pos = offset;
          while (bb.hasRemaining() && ch.read(bb, pos) >= 0) {
            pos = offset + bb.position();
          }
          bb.flip();
        } catch (IOException | RuntimeException e) {
          readBuffers.release(bb);
          throw e;
        }
      }
      try {
        return reader.apply(bb);
      } finally {
        readBuffers.release(bb);
      }
    });
  }

  /** Read buffers currently lent to range reads: zero whenever no read is running (tests, metrics). */
  public int readBuffersInUse() {
    return readBuffers.inUse();
  }

  @Override
  public Future<ObjectInfo> stat(String key) {
    return blocking("stat", key, () -> {
      BasicFileAttributes a = Files.readAttributes(pathOf(key), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) {
        throw new NoSuchFileException(key);
      }
      return new ObjectInfo(key, a.size(), a.lastModifiedTime().toMillis());
    });
  }

  @Override
  public Future<List<ObjectInfo>> list(String prefix, String startAfter, int max) {
    return blocking("list", prefix, () -> {
      ObjectKeys.checkPrefix(prefix);
      List<ObjectInfo> out = new ArrayList<>(Math.min(Math.max(max, 0), 1024));
      if (max <= 0) {
        return out;
      }
      int slash = prefix.lastIndexOf('/');
      String dirKey = prefix.substring(0, slash + 1);
      Path dir = dirKey.isEmpty() ? root : root.resolve(dirKey.substring(0, dirKey.length() - 1));
      walk(dir, dirKey, prefix.substring(slash + 1), startAfter, max, out);
      return out;
    });
  }

  @Override
  public Future<Void> delete(String key) {
    // the unlink on a worker; its directory fsync on the commits' own pool for deletes, so a
    // retention sweep neither holds the workers that serve reads nor the commits of ingest
    Context context = Vertx.currentContext();
    return blocking("delete", key, () -> {
      Path p = pathOf(key);
      return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(p) ? p.getParent() : null;
    }).compose(dir -> {
      if (dir == null) {
        return Future.succeededFuture();
      }
      CompletableFuture<Void> durable = commits.syncDirectory(dir);
      Future<Void> f = context == null ? Future.fromCompletionStage(durable) : Future.fromCompletionStage(durable, context);
      return f.recover(e -> Future.failedFuture(e instanceof IOException io ? map(io, "delete " + key) : e));
    });
  }

  @Override
  public Future<Void> ping() {
    return workers.executeBlocking(() -> {
      if (!Files.isDirectory(root) || !Files.isWritable(root)) {
        throw new StoreException(StoreException.Kind.UNAVAILABLE, "object store directory " + root + " is not writable");
      }
      return null;
    }, false);
  }

  @Override
  public Future<Long> freeBytes() {
    return workers.executeBlocking(() -> Files.getFileStore(root).getUsableSpace(), false);
  }

  @Override
  public String backend() {
    return "fs";
  }

  @Override
  public void close() {
    closed = true;
    sweeper.interrupt();
    commits.close();
    workers.close();
  }

  // ---- internals (all blocking, worker threads only) ----

  Path pathOf(String key) {
    ObjectKeys.check(key);
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new StoreException(StoreException.Kind.INVALID, "object key escapes the store: " + key);
    }
    return p;
  }

  /** The file of an existing object: NOT_FOUND (via NoSuchFileException) when absent or only a prefix. */
  private Path objectFile(String key) throws IOException {
    Path p = pathOf(key);
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(key);
    }
    return p;
  }

  /**
   * Depth-first walk that yields keys in byte order. An entry's sort key is its name for a file and
   * its name plus {@code /} for a directory (every key below it starts so); that only changes the
   * order against names that extend it, so directories are stat'ed for sorting only in that case.
   */
  private void walk(Path dir, String keyPrefix, String namePrefix, String startAfter, int max, List<ObjectInfo> out)
      throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.startsWith(".") || !n.startsWith(namePrefix)) {
          continue;
        }
        if (startAfter != null) {
          String asDir = keyPrefix + n + "/";
          if (asDir.compareTo(startAfter) < 0 && !startAfter.startsWith(asDir)) {
            continue; // every key this entry can hold sorts before startAfter
          }
        }
        names.add(n);
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return;
    }
    Map<String, Boolean> isDir = new HashMap<>();
    names.sort((a, b) -> {
      if (b.startsWith(a) && b.length() > a.length()) {
        return isDirectory(dir, a, isDir) && b.charAt(a.length()) < '/' ? 1 : -1;
      }
      if (a.startsWith(b) && a.length() > b.length()) {
        return isDirectory(dir, b, isDir) && a.charAt(b.length()) < '/' ? -1 : 1;
      }
      return a.compareTo(b);
    });
    for (String n : names) {
      if (out.size() >= max) {
        return;
      }
      Path p = dir.resolve(n);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException gone) {
        continue;
      }
      if (a.isDirectory()) {
        walk(p, keyPrefix + n + "/", "", startAfter, max, out);
      } else if (a.isRegularFile()) {
        String key = keyPrefix + n;
        if (startAfter == null || key.compareTo(startAfter) > 0) {
          out.add(new ObjectInfo(key, a.size(), a.lastModifiedTime().toMillis()));
        }
      }
    }
  }

  private static boolean isDirectory(Path dir, String name, Map<String, Boolean> cache) {
    return cache.computeIfAbsent(name, n -> Files.isDirectory(dir.resolve(n), LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * Removes what the temp directory holds when the store opens: the files of puts that a killed
   * process never renamed into place (none of this instance's exist yet). As many files as writes
   * were in flight at the crash, so opening stays quick. One instance writes a root at a time (the
   * fs store serves one node); a second one opened beside it would fail the first one's puts in
   * flight (an error for their callers, never a torn object).
   */
  private static void removeLeftTempFiles(Path dir) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> left = Files.newDirectoryStream(dir)) {
      for (Path p : left) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(p)) {
          removed++;
        }
      }
    }
    if (removed > 0) {
      LOG.info("fs object store: removed {} temp files left by an interrupted write in {}", removed, dir);
    }
  }

  /**
   * Removes the temp files of other store instances (a crashed process) under the root; stops when
   * the store closes. Objects and directories deleted meanwhile (retention, a deleted stream) are
   * passed over.
   */
  private void sweepTempFiles() {
    int[] removed = {0};
    try {
      Thread.sleep(sweepDelay.toMillis());
    } catch (InterruptedException e) {
      swept.complete(0); // closed before the sweep began
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return closed ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          String name = file.getFileName().toString();
          if (name.startsWith(TEMP_PREFIX) && !name.startsWith(tempPrefix) && Files.deleteIfExists(file)) {
            removed[0]++;
          }
          return closed ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }
      });
      if (removed[0] > 0) {
        LOG.info("fs object store {}: removed {} temp files left by an interrupted write", root, removed[0]);
      }
      swept.complete(removed[0]);
    } catch (IOException | RuntimeException e) {
      LOG.warn("fs object store {}: sweeping temp files left by an interrupted write failed: {}", root, e.toString());
      swept.completeExceptionally(e);
    }
  }

  private <T> Future<T> blocking(String op, String key, Callable<T> work) {
    return workers.executeBlocking(() -> {
      try {
        return work.call();
      } catch (StoreException e) {
        throw e;
      } catch (IOException e) {
        throw map(e, op + " " + key);
      }
    }, false);
  }

  /** Maps NIO failures to store kinds; the message names the operation and key, never object content. */
  static StoreException map(IOException e, String what) {
    if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
      return new StoreException(StoreException.Kind.NOT_FOUND, "no object: " + what, e);
    }
    if (e instanceof AccessDeniedException) {
      return new StoreException(StoreException.Kind.DENIED, "permission denied: " + what, e);
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      String reason = fse.getReason();
      if (reason.contains("Not a directory")) {
        return new StoreException(StoreException.Kind.NOT_FOUND, "no object: " + what, e);
      }
      if (reason.contains("Is a directory")) {
        return new StoreException(StoreException.Kind.NOT_FOUND, "no object (a prefix): " + what, e);
      }
      if (reason.contains("Read-only")) {
        return new StoreException(StoreException.Kind.UNAVAILABLE, what + ": " + reason, e);
      }
    }
    if (StoreException.isNoSpace(e)) {
      return new StoreException(StoreException.Kind.FULL, what + ": no space left on the store's file system", e);
    }
    return new StoreException(StoreException.Kind.INTERNAL, what + ": " + e, e);
  }
}
