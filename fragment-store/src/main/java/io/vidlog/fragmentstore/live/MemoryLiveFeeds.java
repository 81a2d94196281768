package io.vidlog.fragmentstore.live;

import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.FragmentNumber;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The {@link LiveFeeds} of one node: a {@link WindowedLiveFeed} per stream id, created on first use,
 * plus a periodic timer that ages out the windows of streams that went quiet. Counters of cut-offs
 * and subscribers are plain getters for the server's metrics.
 *
 * <p>All windows share one byte budget ({@link LiveFeedConfig#totalBytes()}, by default a quarter of
 * the heap): past it, the oldest closed fragments across streams are evicted, so a stream's window
 * shrinks below its 5 minutes / 200 MB when many streams publish at once (see {@link LiveFeedConfig}).
 * {@link #heldBytes()} and {@link #evictions(EvictionReason)} show that pressure.
 */
public final class MemoryLiveFeeds implements LiveFeeds, AutoCloseable {
  private final Vertx vertx;
  private final LiveFeedConfig config;
  private final LongSupplier clock;
  private final FeedMetrics metrics = new FeedMetrics();
  private final LiveBudget budget;
  private final ConcurrentHashMap<String, WindowedLiveFeed> feeds = new ConcurrentHashMap<>();
  private final long timerId;
  private volatile boolean closed;

  public MemoryLiveFeeds(Vertx vertx, LiveFeedConfig config) {
    this(vertx, config, System::currentTimeMillis);
  }

  /** With a clock for the window's age (tests). */
  public MemoryLiveFeeds(Vertx vertx, LiveFeedConfig config, LongSupplier clock) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.budget = new LiveBudget(config.totalBytes(), metrics);
    long period = Math.max(1_000, Math.min(config.windowMillis(), 10_000));
    this.timerId = vertx.setPeriodic(period, t -> {
      feeds.values().forEach(WindowedLiveFeed::evictIdle);
      budget.sweep();
    });
  }

  @Override
  public LiveFeed feed(String streamId) {
    if (closed) {
      throw new IllegalStateException("live feeds are shut down");
    }
    return feeds.computeIfAbsent(streamId,
        id -> new WindowedLiveFeed(id, config, clock, metrics, budget, vertx.getOrCreateContext()));
  }

  @Override
  public void drop(String streamId) {
    WindowedLiveFeed f = feeds.remove(streamId);
    if (f != null) {
      f.close(LiveFeed.CutOff.Reason.STREAM_DELETED, "the stream was deleted");
    }
  }

  /** Cuts off every subscriber with SHUTDOWN. */
  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(timerId);
    for (String id : feeds.keySet()) {
      WindowedLiveFeed f = feeds.remove(id);
      if (f != null) {
        f.close(LiveFeed.CutOff.Reason.SHUTDOWN, "the server is shutting down");
      }
    }
  }

  public LiveFeedConfig config() {
    return config;
  }

  /** How many subscribers were cut off for {@code reason} since start. */
  public long cutOffs(LiveFeed.CutOff.Reason reason) {
    return metrics.cutOffs(reason);
  }

  public long subscribers() {
    return metrics.subscribers();
  }

  /** Bytes held by the windows of all streams together (open fragments included). */
  public long heldBytes() {
    return budget.held();
  }

  /** How many closed fragments left a window for {@code reason} since start. */
  public long evictions(EvictionReason reason) {
    return metrics.evictions(reason);
  }

  /** Fragments evicted because all windows together exceeded {@link LiveFeedConfig#totalBytes()}. */
  public long budgetEvictions() {
    return metrics.evictions(EvictionReason.GLOBAL_BUDGET);
  }

  /** Closed fragments queued for the budget's eviction, stale entries included (tests). */
  int budgetQueue() {
    return budget.queued();
  }

  /** Drops stale entries from the budget's queue, as the periodic timer does (tests). */
  void sweepBudget() {
    budget.sweep();
  }

  /** Bytes held by the window of a stream (0 when it has no feed). */
  public long windowBytes(String streamId) {
    WindowedLiveFeed f = feeds.get(streamId);
    return f == null ? 0 : f.windowBytes();
  }

  /** Fragments (the open one included) held by the window of a stream. */
  public int windowFragments(String streamId) {
    WindowedLiveFeed f = feeds.get(streamId);
    return f == null ? 0 : f.windowFragments();
  }

  /** The newest fragment number that ended on a stream's feed, without creating the feed. */
  public FragmentNumber lastEnded(String streamId) {
    WindowedLiveFeed f = feeds.get(streamId);
    return f == null ? null : f.lastEnded();
  }
}
