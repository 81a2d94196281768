package io.vidlog.fragmentstore.testing;

import io.vertx.core.Handler;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.live.LiveSubscription;
import io.vidlog.fragmentstore.live.MemoryLiveFeeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Real live feeds (usually {@link MemoryLiveFeeds}) that a test can watch: every event published
 * to a stream is recorded in order, and each subscription releases a permit, so a test waits for a
 * reader to subscribe instead of sleeping.
 */
public final class RecordingFeeds implements LiveFeeds {
  private final LiveFeeds delegate;
  private final Map<String, List<LiveEvent>> published = new ConcurrentHashMap<>();
  /** One permit per subscribe call. */
  public final Semaphore subscribed = new Semaphore(0);
  /** Runs once, inside the next subscribe call, right after the real subscribe (to stage races deterministically). */
  public final AtomicReference<Runnable> onNextSubscribe = new AtomicReference<>();

  public RecordingFeeds(LiveFeeds delegate) {
    this.delegate = delegate;
  }

  /** What was published to the stream so far, in order. */
  public List<LiveEvent> published(String streamId) {
    List<LiveEvent> events = published.getOrDefault(streamId, List.of());
    synchronized (events) {
      return new ArrayList<>(events);
    }
  }

  private void record(String streamId, LiveEvent e) {
    List<LiveEvent> events = published.computeIfAbsent(streamId, k -> new ArrayList<>());
    synchronized (events) {
      events.add(e);
    }
  }

  @Override
  public LiveFeed feed(String streamId) {
    LiveFeed feed = delegate.feed(streamId);
    return new LiveFeed() {
      @Override
      public void publish(LiveEvent.FragmentStart start) {
        record(streamId, start);
        feed.publish(start);
      }

      @Override
      public void publish(LiveEvent.Frame frame) {
        record(streamId, frame);
        feed.publish(frame);
      }

      @Override
      public void publish(LiveEvent.FragmentEnd end) {
        record(streamId, end);
        feed.publish(end);
      }

      @Override
      public void publish(LiveEvent.FragmentAborted aborted) {
        record(streamId, aborted);
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
}
