package io.vidlog.fragmentstore.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.Rejected;
import io.vidlog.fragmentstore.object.StoreException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a Vert.x future from a test thread (never an event loop) and unwraps its failure. The
 * 60 s bound only turns a future that never completes into a failure.
 */
public final class Await {
  private Await() {}

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** What the future failed with; fails the test if it succeeds. */
  public static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return fail("expected a failure, but the operation succeeded");
  }

  /** The StoreException the future fails with; fails the test if it succeeds or fails otherwise. */
  public static StoreException storeFailure(Future<?> f) {
    Throwable t = failure(f);
    return assertInstanceOf(StoreException.class, t, () -> "not a StoreException: " + t);
  }

  /** Why the store refused: the future must have failed with {@link Rejected}. */
  public static Rejected.Reason rejection(Future<?> f) {
    Throwable t = failure(f);
    return assertInstanceOf(Rejected.class, t, () -> "not a Rejected: " + t).reason();
  }
}
