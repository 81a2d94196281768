package io.vidlog.fragmentstore.object;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

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
  private final GroupCommit.Syncer syncer;
  private final LongAdder fsyncs = new LongAdder();

  /** With {@code syncer} as the fsync of a directory (tests: one that records or fails). */
  GroupSync(GroupCommit.Syncer syncer) {
    this.syncer = syncer;
  }

  /** Directory fsyncs issued since start (each covered every caller waiting at the time). */
  long fsyncs() {
    return fsyncs.sum();
  }

  /** Returns once every rename made in {@code dir} before this call is durable. Blocking. */
  void sync(Path dir) throws IOException {
    if (!GROUPED) {
      fsync(dir);
      return;
    }
    if (dirs.size() > MAX_TRACKED) {
      trim();
    }
    dirs.computeIfAbsent(dir, d -> new Dir(d, this::fsync)).sync();
  }

  /** Forgets state of directories nobody is syncing, so the map does not grow without bound. */
  void trim() {
    dirs.values().removeIf(Dir::idle);
  }

  int size() {
    return dirs.size();
  }

  private void fsync(Path dir) throws IOException {
    fsyncs.increment();
    syncer.fsync(dir);
  }

  private static final class Dir {
    private final Path path;
    private final GroupCommit.Syncer syncer;
    private long requested;
    private long completed;
    private boolean running;
    private IOException lastFailure;
    private long failedTicket;

    Dir(Path path, GroupCommit.Syncer syncer) {
      this.path = path;
      this.syncer = syncer;
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
        syncer.fsync(path);
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
