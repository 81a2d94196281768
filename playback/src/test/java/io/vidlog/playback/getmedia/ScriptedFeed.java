package io.vidlog.playback.getmedia;

import io.vertx.core.Handler;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveSubscription;
import io.vidlog.playback.testing.TestChunks;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A live feed whose subscriptions the test scripts: it records where each subscription starts,
 * hands the events the test gives to the newest one (on later turns of the loop, in order, held
 * while paused), and cuts it off with the reason the test picks. It keeps no window: what a
 * subscriber sees is exactly what the test delivers.
 */
final class ScriptedFeed implements LiveFeed {
  /** One subscription, as the session made it. */
  final class Sub implements LiveSubscription {
    final FragmentNumber from;
    private final Handler<LiveEvent> events;
    private final Handler<CutOff> cutOff;
    private final ArrayDeque<LiveEvent> queued = new ArrayDeque<>();
    boolean paused;
    boolean cancelled;
    boolean everPaused;

    Sub(FragmentNumber from, Handler<LiveEvent> events, Handler<CutOff> cutOff) {
      this.from = from;
      this.events = events;
      this.cutOff = cutOff;
    }

    @Override
    public void pause() {
      paused = true;
      everPaused = true;
    }

    @Override
    public void resume() {
      paused = false;
      loop.runLater(this::flush);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    private void flush() {
      while (!paused && !cancelled && !queued.isEmpty()) {
        events.handle(queued.poll());
      }
    }

    int queued() {
      return queued.size();
    }
  }

  private final ManualScheduler loop;
  final List<Sub> subscriptions = new ArrayList<>();
  /** Runs once inside the next subscribe call (to stage a race with the index). */
  Runnable onNextSubscribe;

  ScriptedFeed(ManualScheduler loop) {
    this.loop = loop;
  }

  Sub current() {
    return subscriptions.get(subscriptions.size() - 1);
  }

  /** Hands events to the newest subscription. */
  void deliver(LiveEvent... events) {
    Sub s = current();
    for (LiveEvent e : events) {
      s.queued.add(e);
    }
    loop.runLater(s::flush);
  }

  /** A whole fragment: start, every frame, end. */
  void deliverWhole(TestChunks.Fragment f) {
    deliverStart(f, f.frames().size());
    deliver(f.end(true));
  }

  /** The start of a fragment and its first {@code frames} frames. */
  void deliverStart(TestChunks.Fragment f, int frames) {
    deliver(f.start());
    for (int j = 0; j < frames; j++) {
      deliver(f.frame(j));
    }
  }

  /** Ends the newest subscription as the feed would. */
  void cutOff(CutOff.Reason reason) {
    Sub s = current();
    loop.runLater(() -> {
      if (!s.cancelled) {
        s.cancelled = true;
        s.cutOff.handle(new CutOff(reason, null, "scripted"));
      }
    });
  }

  @Override
  public LiveSubscription subscribe(FragmentNumber from, Handler<LiveEvent> events, Handler<CutOff> cutOff) {
    Sub s = new Sub(from, events, cutOff);
    subscriptions.add(s);
    Runnable hook = onNextSubscribe;
    onNextSubscribe = null;
    if (hook != null) {
      hook.run();
    }
    return s;
  }

  @Override
  public FragmentNumber lastEnded() {
    return null;
  }

  @Override
  public void publish(LiveEvent.FragmentStart start) {
    throw new UnsupportedOperationException("deliver() instead");
  }

  @Override
  public void publish(LiveEvent.Frame frame) {
    throw new UnsupportedOperationException("deliver() instead");
  }

  @Override
  public void publish(LiveEvent.FragmentEnd end) {
    throw new UnsupportedOperationException("deliver() instead");
  }

  @Override
  public void publish(LiveEvent.FragmentAborted aborted) {
    throw new UnsupportedOperationException("deliver() instead");
  }
}
