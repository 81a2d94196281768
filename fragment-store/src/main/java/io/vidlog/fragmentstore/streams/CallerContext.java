package io.vidlog.fragmentstore.streams;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Hands a Future's outcome back to the Vert.x context of whoever called, so a handler that called
 * the registry or the index from its event loop continues on that event loop even when the object
 * store completed the work on one of its worker threads.
 */
public final class CallerContext {
  private CallerContext() {}

  /** Must be called on the caller's thread (it captures {@link Vertx#currentContext()}). */
  public static <T> Future<T> deliver(Future<T> future) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        promise.handle(ar);
      } else {
        caller.runOnContext(v -> promise.handle(ar));
      }
    });
    return promise.future();
  }
}
