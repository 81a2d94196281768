package io.vidlog.fragmentstore.streams;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
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

  public static KvsError kvsError(Future<?> f) {
    Throwable t = failure(f);
    assertInstanceOf(KvsException.class, t, () -> "not a KvsException: " + t);
    return ((KvsException) t).error();
  }
}
