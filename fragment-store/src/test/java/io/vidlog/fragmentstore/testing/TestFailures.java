package io.vidlog.fragmentstore.testing;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.Rejected;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;

/**
 * A failure handler for module tests that serve ingest or playback routes without the server:
 * renders failures as the server's failure handler does for the cases those tests meet (a
 * {@link KvsException} as its type and status, a store's {@link Rejected} as the KVS error its reason
 * means, anything else as a 500). The server's own test checks that both map every reason alike.
 */
public final class TestFailures {
  private TestFailures() {}

  public static KvsError errorOf(Rejected.Reason reason) {
    return switch (reason) {
      case NOT_FOUND -> KvsError.RESOURCE_NOT_FOUND;
      case ALREADY_EXISTS -> KvsError.RESOURCE_IN_USE;
      case VERSION_MISMATCH -> KvsError.VERSION_MISMATCH;
      case TOO_MANY_TAGS -> KvsError.TAGS_PER_RESOURCE_EXCEEDED_LIMIT;
      case OUT_OF_RANGE, BAD_TOKEN -> KvsError.INVALID_ARGUMENT;
    };
  }

  public static void handle(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (ctx.response().headWritten()) {
      if (!ctx.response().ended()) {
        ctx.response().reset();
      }
      return;
    }
    String type = "InternalFailure";
    int status = t == null && ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (t instanceof Rejected r) {
      t = errorOf(r.reason()).exception(r.getMessage());
    }
    if (t instanceof KvsException k) {
      type = k.error().type();
      status = k.error().status();
    }
    ctx.response().setStatusCode(status).putHeader("x-amzn-ErrorType", type)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("__type", type).put("Message", t == null ? "" : String.valueOf(t.getMessage()))
            .encode());
  }
}
