package io.vidlog.fragmentstore.streams;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous operations one after another per key (a stream name, a stream id) without
 * blocking any thread: each operation starts when the previous one for the same key completed,
 * whatever its outcome. Operations on different keys run concurrently. The lock only guards the map
 * of queue tails, never an I/O call.
 */
public final class KeyedSequencer {
  private final Map<String, Future<?>> tails = new HashMap<>();

  public <T> Future<T> run(String key, Supplier<Future<T>> operation) {
    Promise<T> promise = Promise.promise();
    Future<T> mine = promise.future();
    Future<?> previous;
    synchronized (tails) {
      previous = tails.put(key, mine);
    }
    Runnable start = () -> {
      Future<T> f;
      try {
        f = operation.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(promise);
    };
    if (previous == null) {
      start.run();
    } else {
      previous.onComplete(ignored -> start.run());
    }
    mine.onComplete(ignored -> {
      synchronized (tails) {
        tails.remove(key, mine);
      }
    });
    return mine;
  }

  /** Number of keys with an operation queued or running (for tests and metrics). */
  public int busyKeys() {
    synchronized (tails) {
      return tails.size();
    }
  }
}
