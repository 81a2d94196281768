package io.vidlog.fragmentstore.streams;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.Rejected;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Test helpers that wait for a Future (tests run on the JUnit thread, never on an event loop). */
public final class Await {
  private Await() {}

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return fail("expected a failure");
  }

  /** Why the store refused: the future must have failed with {@link Rejected}. */
  public static Rejected.Reason rejection(Future<?> f) {
    Throwable t = failure(f);
    assertInstanceOf(Rejected.class, t, () -> "not a Rejected: " + t);
    return ((Rejected) t).reason();
  }
}
