package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs at most {@code permits} asynchronous operations at once; the rest wait in FIFO order (no
 * thread blocks). Used for index loads here and for bulk chunk reads elsewhere.
 */
public final class AsyncLimiter {
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int available;

  public AsyncLimiter(int permits) {
    this.available = permits;
  }

  public <T> Future<T> run(Supplier<Future<T>> op) {
    Promise<T> promise = Promise.promise();
    Runnable start = () -> {
      Future<T> f;
      try {
        f = op.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        release();
        promise.handle(ar);
      });
    };
    boolean now;
    synchronized (this) {
      now = available > 0;
      if (now) {
        available--;
      } else {
        waiting.add(start);
      }
    }
    if (now) {
      start.run();
    }
    return promise.future();
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        available++;
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
