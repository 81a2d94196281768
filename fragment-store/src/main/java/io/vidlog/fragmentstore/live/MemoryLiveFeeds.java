package io.vidlog.fragmentstore.live;

import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.FragmentNumber;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The {@link LiveFeeds} of one node: a {@link WindowedLiveFeed} per stream id, created on first use,
 * plus a periodic timer that ages out the windows of streams that went quiet. Counters of cut-offs
 * and subscribers are plain getters for the server's metrics.
 */
public final class MemoryLiveFeeds implements LiveFeeds, AutoCloseable {
  private final Vertx vertx;
  private final LiveFeedConfig config;
  private final LongSupplier clock;
  private final FeedMetrics metrics = new FeedMetrics();
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
    long period = Math.max(1_000, Math.min(config.windowMillis(), 10_000));
    this.timerId = vertx.setPeriodic(period, t -> feeds.values().forEach(WindowedLiveFeed::evictIdle));
  }

  @Override
  public LiveFeed feed(String streamId) {
    if (closed) {
      throw new IllegalStateException("live feeds are shut down");
    }
    return feeds.computeIfAbsent(streamId,
        id -> new WindowedLiveFeed(id, config, clock, metrics, vertx.getOrCreateContext()));
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
