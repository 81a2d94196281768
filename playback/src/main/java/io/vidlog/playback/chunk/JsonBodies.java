package io.vidlog.playback.chunk;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;

/**
 * The JSON body of a playback request. The server installs a small-limit BodyHandler on JSON routes;
 * when none ran (tests, other embeddings) the body is read here, bounded before it is buffered.
 */
public final class JsonBodies {
  /** Largest JSON request accepted when reading the body here (a 1000-fragment list is ~60 KB). */
  public static final int MAX_BODY = 256 * 1024;

  private JsonBodies() {}

  public static Future<JsonObject> json(RoutingContext ctx) {
    if (ctx.body() != null && ctx.body().available()) {
      return parse(ctx.body().buffer());
    }
    String length = ctx.request().getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > MAX_BODY) {
          return Future.failedFuture(KvsError.REQUEST_TOO_LARGE.exception("Request body is larger than " + MAX_BODY
              + " bytes"));
        }
      } catch (NumberFormatException e) {
        return Future.failedFuture(KvsError.INVALID_ARGUMENT.exception("Bad Content-Length"));
      }
    }
    Buffer body = Buffer.buffer();
    io.vertx.core.Promise<JsonObject> result = io.vertx.core.Promise.promise();
    ctx.request().handler(b -> {
      if (body.length() + b.length() > MAX_BODY) {
        result.tryFail(KvsError.REQUEST_TOO_LARGE.exception("Request body is larger than " + MAX_BODY + " bytes"));
        ctx.request().pause();
        return;
      }
      body.appendBuffer(b);
    });
    ctx.request().exceptionHandler(result::tryFail);
    ctx.request().endHandler(v -> parse(body).onComplete(result));
    ctx.request().resume();
    return result.future();
  }

  private static Future<JsonObject> parse(Buffer buffer) {
    if (buffer == null || buffer.length() == 0) {
      return Future.succeededFuture(new JsonObject());
    }
    try {
      return Future.succeededFuture(new JsonObject(buffer));
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(KvsError.INVALID_ARGUMENT.exception("Request body is not a JSON object"));
    }
  }
}
