package io.vidlog.playback.testing;

import io.vertx.core.Handler;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.live.LiveSubscription;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/** Wraps real live feeds so a test can wait for a reader to subscribe (no sleeps). */
public final class LatchingFeeds implements LiveFeeds {
  private final LiveFeeds delegate;
  /** One permit per subscribe call. */
  public final Semaphore subscribed = new Semaphore(0);
  /** Runs once, inside the next subscribe call, right after the real subscribe (to stage races deterministically). */
  public final AtomicReference<Runnable> onNextSubscribe = new AtomicReference<>();

  public LatchingFeeds(LiveFeeds delegate) {
    this.delegate = delegate;
  }

  @Override
  public LiveFeed feed(String streamId) {
    LiveFeed feed = delegate.feed(streamId);
    return new LiveFeed() {
      @Override
      public void publish(LiveEvent.FragmentStart start) {
        feed.publish(start);
      }

      @Override
      public void publish(LiveEvent.Frame frame) {
        feed.publish(frame);
      }

      @Override
      public void publish(LiveEvent.FragmentEnd end) {
        feed.publish(end);
      }

      @Override
      public void publish(LiveEvent.FragmentAborted aborted) {
        feed.publish(aborted);
      }

      @Override
      public LiveSubscription subscribe(FragmentNumber from, Handler<LiveEvent> events, Handler<CutOff> cutOff) {
        LiveSubscription s = feed.subscribe(from, events, cutOff);
        Runnable hook = onNextSubscribe.getAndSet(null);
        if (hook != null) {
          hook.run();
        }
        subscribed.release();
        return s;
      }

      @Override
      public FragmentNumber lastEnded() {
        return feed.lastEnded();
      }
    };
  }

  @Override
  public void drop(String streamId) {
    delegate.drop(streamId);
  }

  /** Publishes a whole fragment as ingest would. */
  public void publishAll(String streamId, TestChunks.Fragment f, boolean persisted) {
    LiveFeed feed = feed(streamId);
    feed.publish(f.start());
    for (int j = 0; j < f.frames().size(); j++) {
      feed.publish(f.frame(j));
    }
    feed.publish(f.end(persisted));
  }
}
