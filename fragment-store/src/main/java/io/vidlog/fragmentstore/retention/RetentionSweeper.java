package io.vidlog.fragmentstore.retention;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces each stream's DataRetentionInHours against server timestamps (docs/wire-protocol.md §4: decreasing
 * retention applies the new period to existing data). On a periodic Vert.x timer it asks the index
 * to expire every fragment that started before {@code now - retention} (the index makes that
 * durable first, and drops whole index segments without reading them), then deletes every chunk at
 * or below the index's floor: those, and any a previous sweep failed to delete.
 * A stream whose retention is 0 keeps nothing in the store: anything left from an earlier, longer
 * retention is expired at once. Sweeps never overlap; streams are swept one after another.
 */
public final class RetentionSweeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);
  private static final int DELETE_PARALLELISM = 16;
  private static final int LIST_PAGE = 1_000;
  private static final long HOUR_MILLIS = 3_600_000L;

  private final Vertx vertx;
  private final Supplier<Collection<StreamInfo>> streams;
  private final ObjectStoreTimeIndex index;
  private final FragmentArchive archive;
  private final LongSupplier clock;
  private final AtomicBoolean running = new AtomicBoolean();
  private final LongAdder expired = new LongAdder();
  private final LongAdder sweeps = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private long timerId = -1;

  public RetentionSweeper(Vertx vertx, Supplier<Collection<StreamInfo>> streams, ObjectStoreTimeIndex index,
      FragmentArchive archive, LongSupplier clock) {
    this.vertx = vertx;
    this.streams = streams;
    this.index = index;
    this.archive = archive;
    this.clock = clock;
  }

  /** Starts sweeping every {@code intervalMillis}. */
  public synchronized RetentionSweeper start(long intervalMillis) {
    if (timerId < 0) {
      timerId = vertx.setPeriodic(intervalMillis, t -> sweepOnce());
    }
    return this;
  }

  /** One pass over every stream; completes with the number of fragments expired (0 when a pass was running). */
  public Future<Long> sweepOnce() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(0L);
    }
    List<StreamInfo> all = new ArrayList<>(streams.get());
    long now = clock.getAsLong();
    return sweepFrom(all, 0, now, 0L).onComplete(ar -> {
      running.set(false);
      sweeps.increment();
    });
  }

  private Future<Long> sweepFrom(List<StreamInfo> all, int i, long now, long total) {
    if (i >= all.size()) {
      return Future.succeededFuture(total);
    }
    StreamInfo s = all.get(i);
    return sweep(s, now)
        .recover(e -> {
          failures.increment();
          LOG.warn("retention sweep of stream {} failed: {}", s.streamId(), e.toString());
          return Future.succeededFuture(0L);
        })
        .compose(n -> sweepFrom(all, i + 1, now, total + n));
  }

  /** Sweeps one stream at {@code now}. */
  public Future<Long> sweep(StreamInfo s, long now) {
    long cutoff = now - s.dataRetentionInHours() * HOUR_MILLIS;
    return index.expire(s, cutoff).compose(expiry -> deleteExpiredChunks(s, expiry.floor()).map(v -> {
      if (expiry.fragments() > 0) {
        expired.add(expiry.fragments());
        LOG.info("retention: expired {} fragments of stream {} (retention {} h)", expiry.fragments(), s.streamId(),
            s.dataRetentionInHours());
      }
      return expiry.fragments();
    }));
  }

  private Future<Void> deleteChunks(StreamInfo s, List<FragmentNumber> numbers, int from) {
    if (from >= numbers.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(numbers.size(), from + DELETE_PARALLELISM);
    List<Future<Void>> deletes = new ArrayList<>();
    for (int i = from; i < to; i++) {
      deletes.add(archive.delete(s, numbers.get(i)));
    }
    return Future.all(deletes).compose(v -> deleteChunks(s, numbers, to));
  }

  /**
   * Deletes the chunks at or below the index's floor, oldest first, a page of the listing at a
   * time: those just expired and any a previous sweep failed to delete. The index drops whole
   * segments without reading them, so the listing, not the index, names the chunks. Only chunks
   * the index has expired qualify: a chunk newer than the floor may be one ingest has just made
   * durable and not yet indexed.
   */
  private Future<Void> deleteExpiredChunks(StreamInfo s, FragmentNumber floor) {
    if (floor == null) {
      return Future.succeededFuture();
    }
    return archive.list(s, null, LIST_PAGE).compose(listed -> {
      List<FragmentNumber> stale = listed.stream().filter(n -> n.compareTo(floor) <= 0).toList();
      if (stale.isEmpty()) {
        return Future.succeededFuture();
      }
      return deleteChunks(s, stale, 0).compose(v -> stale.size() == listed.size() ? deleteExpiredChunks(s, floor)
          : Future.succeededFuture());
    });
  }

  /** Fragments expired since start. */
  public long expiredFragments() {
    return expired.sum();
  }

  public long completedSweeps() {
    return sweeps.sum();
  }

  /** Streams whose sweep failed (retried on the next pass). */
  public long failedStreamSweeps() {
    return failures.sum();
  }

  @Override
  public synchronized void close() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }
}
