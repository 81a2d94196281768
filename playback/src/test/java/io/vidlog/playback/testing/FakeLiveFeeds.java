package io.vidlog.playback.testing;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.live.LiveSubscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A LiveFeeds following the contract's javadoc, for playback tests: a window of whole fragments
 * that tests evict explicitly, per-subscriber bounded queues delivered on the subscriber's context.
 */
public final class FakeLiveFeeds implements LiveFeeds {
  private final Vertx vertx;
  private final Map<String, Feed> feeds = new ConcurrentHashMap<>();
  public volatile int maxQueue = 100_000;

  public FakeLiveFeeds(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Feed feed(String streamId) {
    return feeds.computeIfAbsent(streamId, k -> new Feed());
  }

  @Override
  public void drop(String streamId) {
    Feed f = feeds.remove(streamId);
    if (f != null) {
      f.cutAll(LiveFeed.CutOff.Reason.STREAM_DELETED);
    }
  }

  /** One stream's feed. */
  public final class Feed implements LiveFeed {
    private final LinkedHashMap<FragmentNumber, List<LiveEvent>> window = new LinkedHashMap<>();
    private final List<FragmentNumber> evicted = new ArrayList<>();
    private final List<Sub> subs = new ArrayList<>();
    private FragmentNumber lastEnded;

    public synchronized int subscribers() {
      return subs.size();
    }

    @Override
    public synchronized void publish(LiveEvent.FragmentStart start) {
      List<LiveEvent> events = new ArrayList<>();
      events.add(start);
      window.put(start.number(), events);
      deliver(start);
    }

    @Override
    public synchronized void publish(LiveEvent.Frame frame) {
      window.get(frame.number()).add(frame);
      deliver(frame);
    }

    @Override
    public synchronized void publish(LiveEvent.FragmentEnd end) {
      window.get(end.number()).add(end);
      lastEnded = end.number();
      deliver(end);
    }

    @Override
    public synchronized void publish(LiveEvent.FragmentAborted aborted) {
      window.remove(aborted.number());
      deliver(aborted);
    }

    /** Drops the oldest fragment from the window. */
    public synchronized void evictOldest() {
      var it = window.keySet().iterator();
      evicted.add(it.next());
      it.remove();
    }

    public void publishAll(TestChunks.Fragment f, boolean persisted) {
      publish(f.start());
      for (int j = 0; j < f.frames().size(); j++) {
        publish(f.frame(j));
      }
      publish(f.end(persisted));
    }

    @Override
    public synchronized LiveSubscription subscribe(FragmentNumber from, Handler<LiveEvent> events,
        Handler<CutOff> cutOff) {
      Sub sub = new Sub(vertx.getOrCreateContext(), events, cutOff, from == null);
      if (from != null) {
        for (FragmentNumber e : evicted) {
          if (e.compareTo(from) > 0) {
            sub.context.runOnContext(v -> cutOff.handle(new CutOff(CutOff.Reason.BEHIND_WINDOW, from, "gone")));
            return sub;
          }
        }
        window.forEach((n, list) -> {
          if (n.compareTo(from) > 0) {
            list.forEach(sub::offer);
          }
        });
      }
      subs.add(sub);
      return sub;
    }

    @Override
    public synchronized FragmentNumber lastEnded() {
      return lastEnded;
    }

    private void deliver(LiveEvent e) {
      for (Sub s : List.copyOf(subs)) {
        s.offer(e);
      }
    }

    synchronized void cutAll(CutOff.Reason reason) {
      for (Sub s : List.copyOf(subs)) {
        s.cut(reason);
      }
    }

    private final class Sub implements LiveSubscription {
      final Context context;
      final Handler<LiveEvent> events;
      final Handler<CutOff> cutOff;
      final ArrayDeque<LiveEvent> queue = new ArrayDeque<>();
      boolean waitForStart;
      boolean paused;
      boolean done;
      boolean scheduled;
      FragmentNumber lastDelivered;

      Sub(Context context, Handler<LiveEvent> events, Handler<CutOff> cutOff, boolean waitForStart) {
        this.context = context;
        this.events = events;
        this.cutOff = cutOff;
        this.waitForStart = waitForStart;
      }

      void offer(LiveEvent e) {
        synchronized (Feed.this) {
          if (done) {
            return;
          }
          if (waitForStart) {
            if (!(e instanceof LiveEvent.FragmentStart)) {
              return;
            }
            waitForStart = false;
          }
          if (queue.size() >= maxQueue) {
            cut(CutOff.Reason.SLOW_CONSUMER);
            return;
          }
          queue.add(e);
          schedule();
        }
      }

      void cut(CutOff.Reason reason) {
        synchronized (Feed.this) {
          if (done) {
            return;
          }
          done = true;
          subs.remove(this);
          queue.clear();
          FragmentNumber last = lastDelivered;
          context.runOnContext(v -> cutOff.handle(new CutOff(reason, last, reason.name())));
        }
      }

      private void schedule() {
        if (!scheduled && !paused) {
          scheduled = true;
          context.runOnContext(v -> drain());
        }
      }

      private void drain() {
        while (true) {
          LiveEvent e;
          synchronized (Feed.this) {
            scheduled = false;
            if (done || paused || queue.isEmpty()) {
              return;
            }
            e = queue.poll();
            scheduled = true;
          }
          if (e instanceof LiveEvent.FragmentEnd end) {
            lastDelivered = end.number();
          }
          events.handle(e);
        }
      }

      @Override
      public void pause() {
        synchronized (Feed.this) {
          paused = true;
        }
      }

      @Override
      public void resume() {
        synchronized (Feed.this) {
          paused = false;
          if (!queue.isEmpty()) {
            schedule();
          }
        }
      }

      @Override
      public void cancel() {
        synchronized (Feed.this) {
          done = true;
          subs.remove(this);
          queue.clear();
        }
      }
    }
  }
}
