package io.vidlog.ingest;

import io.vertx.core.Handler;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.live.LiveSubscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A LiveFeeds double that records what ingest publishes, per stream. */
final class RecordingFeeds implements LiveFeeds {
  final Map<String, Recorded> feeds = new ConcurrentHashMap<>();

  /** One stream's published events, in order. */
  static final class Recorded implements LiveFeed {
    private final List<LiveEvent> events = new ArrayList<>();

    synchronized List<LiveEvent> events() {
      return new ArrayList<>(events);
    }

    private synchronized void add(LiveEvent e) {
      events.add(e);
    }

    @Override
    public void publish(LiveEvent.FragmentStart start) {
      add(start);
    }

    @Override
    public void publish(LiveEvent.Frame frame) {
      add(frame);
    }

    @Override
    public void publish(LiveEvent.FragmentEnd end) {
      add(end);
    }

    @Override
    public void publish(LiveEvent.FragmentAborted aborted) {
      add(aborted);
    }

    @Override
    public LiveSubscription subscribe(FragmentNumber from, Handler<LiveEvent> events, Handler<CutOff> cutOff) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FragmentNumber lastEnded() {
      return null;
    }
  }

  Recorded of(String streamId) {
    return feeds.computeIfAbsent(streamId, k -> new Recorded());
  }

  @Override
  public LiveFeed feed(String streamId) {
    return of(streamId);
  }

  @Override
  public void drop(String streamId) {
    feeds.remove(streamId);
  }
}
