package io.vidlog.playback.getmedia;

import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;

/**
 * The event loop a GetMedia session lives on: deferred tasks, timers and a monotonic clock, all on
 * the session's one thread. The server uses the request's Vert.x context ({@link #on}); unit tests
 * drive a session step by step with a manual one, so no test waits for real time to pass.
 */
interface SessionScheduler {

  /** Runs {@code task} on a later turn of the loop (never inside the caller). */
  void runLater(Runnable task);

  /** Runs {@code task} once after {@code delayMillis}; returns an id for {@link #cancelTimer}. */
  long setTimer(long delayMillis, Runnable task);

  void cancelTimer(long id);

  /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** The scheduler of a Vert.x context: tasks and timers run on it. */
  static SessionScheduler on(Context context) {
    return new SessionScheduler() {
      @Override
      public void runLater(Runnable task) {
        context.runOnContext(v -> task.run());
      }

      @Override
      public long setTimer(long delayMillis, Runnable task) {
        // On this context whatever thread arms it (Vertx.setTimer would pick the caller's context).
        return ((ContextInternal) context).setTimer(Math.max(1, delayMillis), id -> task.run());
      }

      @Override
      public void cancelTimer(long id) {
        context.owner().cancelTimer(id);
      }

      @Override
      public long nanoTime() {
        return System.nanoTime();
      }
    };
  }
}
