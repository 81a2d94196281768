package io.vidlog.fragmentstore.live;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vidlog.fragmentstore.FragmentNumber;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reader of a {@link WindowedLiveFeed}: a cursor into the feed's log, drained on the reader's
 * own context in batches. The publisher only moves the head and posts at most one pending wake-up
 * ({@link #signal}); the cursor advances after each delivered event, so a pause between two events
 * loses nothing.
 */
final class Subscriber implements LiveSubscription {
  private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);
  private static final int ACTIVE = 0;
  private static final int CUT = 1;
  private static final int DONE = 2;

  private final WindowedLiveFeed feed;
  private final Context context;
  private final FragmentNumber after;
  private final Handler<LiveEvent> events;
  private final Handler<LiveFeed.CutOff> cutOffHandler;
  private final FeedMetrics metrics;
  private final AtomicInteger state = new AtomicInteger(ACTIVE);
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile long cursor;
  private volatile long subscribedAt;
  private volatile boolean paused;
  // Only touched on the subscriber's context.
  private boolean synced;
  private FragmentNumber lastDelivered;

  Subscriber(WindowedLiveFeed feed, Context context, FragmentNumber after, Handler<LiveEvent> events,
      Handler<LiveFeed.CutOff> cutOff, FeedMetrics metrics) {
    this.feed = feed;
    this.context = context;
    this.after = after;
    this.events = events;
    this.cutOffHandler = cutOff;
    this.metrics = metrics;
    this.lastDelivered = after;
  }

  /** Called by the feed under its lock before the subscriber is visible to the publisher. */
  void position(long cursor, long subscribedAt, boolean synced) {
    this.cursor = cursor;
    this.subscribedAt = subscribedAt;
    this.synced = synced;
  }

  long cursor() {
    return cursor;
  }

  long subscribedAt() {
    return subscribedAt;
  }

  /** Any thread: makes sure a drain is pending on the subscriber's context. */
  void signal() {
    if (state.get() == ACTIVE && !paused && scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
  }

  /** Any thread: ends the subscription with a reason, delivered once on the subscriber's context. */
  void cutOff(LiveFeed.CutOff.Reason reason, String message) {
    if (!state.compareAndSet(ACTIVE, CUT)) {
      return;
    }
    metrics.cutOff(reason);
    context.runOnContext(v -> {
      if (state.compareAndSet(CUT, DONE)) {
        LOG.debug("live subscriber of {} cut off: {} ({})", feed.streamId(), reason, message);
        cutOffHandler.handle(new LiveFeed.CutOff(reason, lastDelivered, message));
      }
    });
  }

  private void drain() {
    scheduled.set(false);
    while (state.get() == ACTIVE && !paused) {
      List<EventLog.Entry> batch = feed.read(cursor, WindowedLiveFeed.READ_BATCH);
      if (batch.isEmpty()) {
        return;
      }
      for (EventLog.Entry e : batch) {
        if (state.get() != ACTIVE || paused) {
          return;
        }
        cursor = e.seq() + 1;
        deliver(e.event());
      }
    }
  }

  private void deliver(LiveEvent e) {
    if (!synced) {
      // From NOW (or past the window's newest fragment): start at the next fragment that starts.
      if (!(e instanceof LiveEvent.FragmentStart) || (after != null && e.number().compareTo(after) <= 0)) {
        return;
      }
      synced = true;
    }
    try {
      events.handle(e);
    } catch (RuntimeException ex) {
      LOG.error("live subscriber of {} failed on {}", feed.streamId(), e.getClass().getSimpleName(), ex);
    }
    if (e instanceof LiveEvent.FragmentEnd) {
      lastDelivered = e.number();
    }
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
    signal();
  }

  @Override
  public void cancel() {
    int s = state.getAndSet(DONE);
    if (s != DONE) {
      feed.remove(this);
    }
  }
}
