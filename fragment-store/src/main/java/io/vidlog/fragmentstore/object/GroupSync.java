package io.vidlog.fragmentstore.object;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group commit of directory fsyncs for the fs backend: a rename becomes durable only once its
 * directory is fsynced, and one fsync of a directory covers every rename that happened in it
 * before the fsync started. Callers (worker threads) that arrive while a sync of the same directory
 * is running wait for the next one, which then covers all of them: N concurrent puts into one
 * directory cost about two directory fsyncs instead of N.
 */
final class GroupSync {
  private static final int MAX_TRACKED = 4096;
  static final boolean GROUPED = !Boolean.getBoolean("vidlog.fs.ungroupedDirSync");
  private final ConcurrentHashMap<Path, Dir> dirs = new ConcurrentHashMap<>();

  /** Returns once every rename made in {@code dir} before this call is durable. Blocking. */
  void sync(Path dir) throws IOException {
    if (!GROUPED) {
      fsyncDirectory(dir);
      return;
    }
    if (dirs.size() > MAX_TRACKED) {
      trim();
    }
    dirs.computeIfAbsent(dir, Dir::new).sync();
  }

  /** Forgets state of directories nobody is syncing, so the map does not grow without bound. */
  void trim() {
    dirs.values().removeIf(Dir::idle);
  }

  int size() {
    return dirs.size();
  }

  /** Plain blocking fsync of a directory (used where no grouping is needed). */
  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static final class Dir {
    private final Path path;
    private long requested;
    private long completed;
    private boolean running;
    private IOException lastFailure;
    private long failedTicket;

    Dir(Path path) {
      this.path = path;
    }

    synchronized boolean idle() {
      return !running && requested == completed;
    }

    void sync() throws IOException {
      long ticket;
      synchronized (this) {
        ticket = ++requested;
        while (true) {
          if (completed >= ticket) {
            if (lastFailure != null && failedTicket >= ticket) {
              throw new IOException("directory fsync failed: " + path, lastFailure);
            }
            return;
          }
          if (!running) {
            break;
          }
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for directory fsync of " + path, e);
          }
        }
        running = true;
      }
      long target;
      synchronized (this) {
        target = requested;
      }
      IOException failure = null;
      try {
        fsyncDirectory(path);
      } catch (IOException e) {
        failure = e;
      }
      synchronized (this) {
        completed = target;
        running = false;
        if (failure != null) {
          lastFailure = failure;
          failedTicket = target;
        }
        notifyAll();
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}
