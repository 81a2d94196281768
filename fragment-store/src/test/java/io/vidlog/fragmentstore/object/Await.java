package io.vidlog.fragmentstore.object;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Test helper: waits for a Vert.x future from a test thread (never an event loop) and unwraps failures. */
public final class Await {
  private Await() {}

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new RuntimeException(c);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  /** The StoreException a future fails with (fails the test if it succeeds or fails otherwise). */
  public static StoreException failure(Future<?> f) {
    try {
      await(f);
    } catch (StoreException e) {
      return e;
    }
    throw new AssertionError("expected a StoreException, but the operation succeeded");
  }
}
