package io.vidlog.fragmentstore.live;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The global byte budget of all windows of one {@link MemoryLiveFeeds} ({@link LiveFeedConfig#totalBytes()}).
 *
 * <p>Why this shape: the per-frame hot path must not take a global lock, so a feed only adds its
 * bytes to one {@link AtomicLong} (under its own lock, as it already counts its window). Fragments
 * that close are queued, lock-free, in the order they closed; within one feed that is its window's
 * order, so the queue's head is always the oldest evictable fragment of its feed and the oldest
 * closed one across feeds. When a fragment boundary finds the total over budget, the publisher that
 * got there evicts from the head — outside its own feed's lock, so no two feed locks are ever held at
 * once — while every other publisher that finds eviction already running goes on without waiting
 * ({@link #enforce()} is guarded by a try-once flag, then re-checks so that no overrun is left behind).
 * Eviction takes each victim feed's lock for a bounded, allocation-light critical section (the same
 * lock its subscribers' reads take), never for I/O.
 *
 * <p>Fragments that left their window for another reason (age, per-stream bytes, stream dropped) stay
 * queued as stale entries until they reach the head or {@link #sweep()} (the feeds' timer) drops them.
 */
final class LiveBudget {
  private final long limit;
  private final FeedMetrics metrics;
  private final AtomicLong held = new AtomicLong();
  private final ConcurrentLinkedQueue<WindowedLiveFeed.Slot> closed = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean evicting = new AtomicBoolean();

  LiveBudget(long limit, FeedMetrics metrics) {
    this.limit = limit;
    this.metrics = metrics;
  }

  long limit() {
    return limit;
  }

  long held() {
    return held.get();
  }

  boolean over() {
    return held.get() > limit;
  }

  /** A feed's window grew ({@code bytes} &gt; 0) or shrank. */
  void add(long bytes) {
    held.addAndGet(bytes);
  }

  /** A fragment closed (ended or aborted): it may now be evicted. Called under its feed's lock, in window order. */
  void closed(WindowedLiveFeed.Slot slot) {
    this.closed.offer(slot);
  }

  /**
   * Evicts the oldest closed fragments across feeds until the total is within budget or only open
   * fragments are left. Must be called without holding any feed's lock; never waits for another
   * caller (one that finds eviction running returns at once, and the running one re-checks).
   */
  void enforce() {
    while (over() && evicting.compareAndSet(false, true)) {
      try {
        while (over()) {
          WindowedLiveFeed.Slot oldest = closed.poll();
          if (oldest == null) {
            break; // only open fragments left: the budget is exceeded by at most one per stream
          }
          int n = oldest.feed.evictThrough(oldest);
          for (int i = 0; i < n; i++) {
            metrics.evicted(EvictionReason.GLOBAL_BUDGET);
          }
        }
      } finally {
        evicting.set(false);
      }
      if (closed.isEmpty()) {
        return;
      }
    }
  }

  /** Drops queued fragments that already left their windows (keeps the queue within the windows' size). */
  void sweep() {
    closed.removeIf(WindowedLiveFeed.Slot::evicted);
  }

  /** Queued fragments, stale ones included (tests). */
  int queued() {
    return closed.size();
  }
}
