package io.vidlog.fragmentstore.chunk;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.chunk.FragmentArchive.ChunkWriter;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chunks whose upload failed without the store saying whether it took them: an S3 server that
 * died, or stopped answering, while it took the object (a {@link StoreException.Kind#UNAVAILABLE}
 * commit). The producer was answered 5001 for such a fragment and sends it again under a new
 * number, so a copy the store kept would be an orphan that a later index rebuild lists
 * (docs/architecture.md, "When the store is unreachable"). Each such chunk is deleted once the
 * store answers again: all of them are retried together after 1 s, then after twice as long
 * while the store stays away (at most a minute). A chunk key is written once, never retried under
 * the same number, so a late delete cannot remove an object a later write stored.
 *
 * <p>Bounded: at most {@link #MAX} keys wait; past that a key is only logged. Kept in memory: a
 * restart before the store is back leaves such orphans (documented).
 */
final class UncertainChunks {
  private static final Logger LOG = LoggerFactory.getLogger(UncertainChunks.class);
  static final int MAX = 100_000;
  /** Deletes in flight at once while catching up after an outage. */
  private static final int PARALLEL = 8;

  private final Vertx vertx;
  private final ObjectStore store;
  private final long firstRetryMillis;
  private final long maxRetryMillis;
  private final Set<String> waiting = new LinkedHashSet<>();
  private long retryMillis;
  private boolean armed;

  UncertainChunks(Vertx vertx, ObjectStore store, long firstRetryMillis, long maxRetryMillis) {
    this.vertx = vertx;
    this.store = store;
    this.firstRetryMillis = firstRetryMillis;
    this.maxRetryMillis = maxRetryMillis;
    this.retryMillis = firstRetryMillis;
  }

  /** {@code writer}, with its key remembered for a later delete when its commit fails that way. */
  ChunkWriter watch(ChunkWriter writer, String key) {
    return ChunkWriter.withCommit(writer, header -> writer.commit(header).onFailure(e -> {
      if (StoreException.isUnavailable(e)) {
        add(key);
      }
    }));
  }

  /** Keys waiting for their delete. */
  synchronized int waiting() {
    return waiting.size();
  }

  synchronized void add(String key) {
    if (waiting.size() >= MAX) {
      LOG.warn("{} may have been stored after its upload failed; too many such chunks wait already: not deleted", key);
      return;
    }
    waiting.add(key);
    arm();
  }

  private void arm() {
    if (!armed && !waiting.isEmpty()) {
      armed = true;
      vertx.setTimer(retryMillis, t -> retry());
    }
  }

  private void retry() {
    List<String> batch;
    synchronized (this) {
      batch = new ArrayList<>(waiting);
    }
    deleteFrom(batch, 0).onComplete(ar -> {
      synchronized (this) {
        armed = false;
        retryMillis = ar.succeeded() ? firstRetryMillis : Math.min(maxRetryMillis, retryMillis * 2);
        arm();
      }
    });
  }

  /** Deletes {@code keys[from..]}, {@link #PARALLEL} at a time; fails at the first the store does not answer. */
  private Future<Void> deleteFrom(List<String> keys, int from) {
    if (from >= keys.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(keys.size(), from + PARALLEL);
    List<Future<Void>> round = new ArrayList<>(to - from);
    for (String key : keys.subList(from, to)) {
      round.add(store.delete(key).onSuccess(v -> {
        synchronized (this) {
          waiting.remove(key);
        }
      }).recover(e -> {
        if (StoreException.isUnavailable(e)) {
          return Future.failedFuture(e);
        }
        // refused for good (the stream's keys deleted, access denied): nothing a retry would change
        LOG.warn("deleting {}, which may have been stored after its upload failed: {}", key, e.toString());
        synchronized (this) {
          waiting.remove(key);
        }
        return Future.succeededFuture();
      }));
    }
    return Future.all(round).compose(v -> deleteFrom(keys, to));
  }
}
