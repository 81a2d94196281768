package io.vidlog.playback.getmedia;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A session's event loop driven by the test: deferred tasks run on {@link #runAll()}, time moves
 * only on {@link #advance}, and timers fire in order as it passes them. Single-threaded.
 */
final class ManualScheduler implements SessionScheduler {
  private record Timer(long id, long dueNanos, Runnable task) {}

  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final Map<Long, Timer> timers = new LinkedHashMap<>();
  private long nowNanos = 1_000_000_000L;
  private long nextId;

  @Override
  public void runLater(Runnable task) {
    tasks.add(task);
  }

  @Override
  public long setTimer(long delayMillis, Runnable task) {
    long id = nextId++;
    timers.put(id, new Timer(id, nowNanos + delayMillis * 1_000_000L, task));
    return id;
  }

  @Override
  public void cancelTimer(long id) {
    timers.remove(id);
  }

  @Override
  public long nanoTime() {
    return nowNanos;
  }

  /** Runs deferred tasks, and those they defer, until none is left. */
  void runAll() {
    int n = 0;
    while (!tasks.isEmpty()) {
      if (++n > 1_000_000) {
        throw new AssertionError("the session keeps scheduling work without end");
      }
      tasks.poll().run();
    }
  }

  /** Moves time forward by {@code millis}, firing each timer due on the way (then the work it defers). */
  void advance(long millis) {
    long target = nowNanos + millis * 1_000_000L;
    runAll();
    while (true) {
      Timer due = timers.values().stream().filter(t -> t.dueNanos() <= target)
          .min(Comparator.comparingLong(Timer::dueNanos).thenComparingLong(Timer::id)).orElse(null);
      if (due == null) {
        break;
      }
      timers.remove(due.id());
      nowNanos = due.dueNanos();
      due.task().run();
      runAll();
    }
    nowNanos = target;
  }

  int pendingTimers() {
    return timers.size();
  }
}
