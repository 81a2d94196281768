package io.vidlog.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import io.vidlog.fragmentstore.Rejected;
import io.vidlog.fragmentstore.object.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become responses (Hono's DefaultFailureHandler pattern): a
 * {@link KvsException} becomes its KVS error type and status; a store's {@link Rejected} the error
 * its reason means for a KVS client; a {@link StoreException} a 503
 * (unreachable store) or 500; Vert.x's own 413 (body limit) and 503 (request timeout) become AWS-style
 * errors; anything else is a 500 InternalFailure that says only the request id, with the cause
 * logged under that id. If response bytes were already sent (a streaming route), the stream is
 * reset instead: an error document is never glued onto media. A client that went away (closed the
 * connection or reset the stream mid-request) is no failure of the server: it is logged at DEBUG
 * only, since any client can do it at any rate. Why a request was refused (authentication, policy,
 * any PutMedia refusal) is logged rate-limited ({@link Refusals}); the caller is told no more than
 * its error.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);
  private final Refusals refusals = new Refusals();

  @Override
  public void handle(RoutingContext ctx) {
    Throwable t = ctx.failure();
    String rid = RequestIds.of(ctx);
    if (clientWentAway(t)) {
      LOG.debug("request {} {}: the client went away ({})", rid, ctx.request().path(), describe(t));
      if (!ctx.response().ended() && !ctx.response().closed()) {
        ctx.response().reset();
      }
      return;
    }
    if (ctx.response().headWritten() || ctx.response().ended()) {
      if (t != null) {
        LOG.warn("request {} {} failed after the response started: {}", rid, ctx.request().path(), describe(t));
      }
      if (!ctx.response().ended()) {
        ctx.response().reset();
      }
      return;
    }
    if (t instanceof Rejected r) {
      t = asKvs(r);
    }
    if (t instanceof KvsException k) {
      KvsError e = k.error();
      if (e.status() >= 500) {
        LOG.warn("request {} {}: {} {}", rid, ctx.request().path(), e.type(), k.getMessage(), k.getCause());
      } else {
        LOG.debug("request {} {}: {} {}", rid, ctx.request().path(), e.type(), k.getMessage());
      }
      if (e.status() < 500) {
        refusals.log(ctx, rid, k);
      }
      AwsErrors.send(ctx.response(), e.status(), e.type(), k.getMessage());
    } else if (t instanceof StoreException s) {
      boolean full = s.kind() == StoreException.Kind.FULL;
      boolean unavailable = full || s.kind() == StoreException.Kind.UNAVAILABLE;
      LOG.warn("request {} {}: store {} failure", rid, ctx.request().path(), s.kind(), s);
      KvsError e = unavailable ? KvsError.SERVICE_UNAVAILABLE : KvsError.INTERNAL;
      AwsErrors.send(ctx.response(), e.status(), e.type(), full
          ? "The storage backend has no space left; retry once space is freed (request " + rid + ")"
          : unavailable ? "The storage backend is unavailable; retry later (request " + rid + ")"
          : "Internal failure (request " + rid + ")");
    } else if (t == null && ctx.statusCode() > 0) {
      byStatus(ctx, ctx.statusCode(), rid);
    } else if (t instanceof HttpException h) {
      byStatus(ctx, h.getStatusCode(), rid);
    } else {
      LOG.error("request {} {}: internal failure", rid, ctx.request().path(), t);
      AwsErrors.send(ctx.response(), 500, KvsError.INTERNAL.type(), "Internal failure (request " + rid + ")");
    }
  }

  private static void byStatus(RoutingContext ctx, int status, String rid) {
    switch (status) {
      case 413 -> AwsErrors.send(ctx.response(), 413, KvsError.REQUEST_TOO_LARGE.type(),
          "The request body is larger than this API accepts");
      case 503 -> AwsErrors.send(ctx.response(), 503, KvsError.SERVICE_UNAVAILABLE.type(),
          "The request took too long (request " + rid + ")");
      case 404, 405 -> AwsErrors.send(ctx.response(), 400, KvsError.UNSUPPORTED_OPERATION.type(),
          UnknownOperations.message(ctx.request().method().name(), ctx.request().path()));
      case 400 -> AwsErrors.send(ctx.response(), 400, KvsError.INVALID_ARGUMENT.type(), "Malformed request");
      default -> {
        LOG.warn("request {} {}: status {}", rid, ctx.request().path(), status);
        AwsErrors.send(ctx.response(), 500, KvsError.INTERNAL.type(), "Internal failure (request " + rid + ")");
      }
    }
  }

  /** What a store refusal means on the wire (docs/wire-protocol.md §0, §4). */
  static KvsException asKvs(Rejected r) {
    KvsError e = switch (r.reason()) {
      case NOT_FOUND -> KvsError.RESOURCE_NOT_FOUND;
      case ALREADY_EXISTS -> KvsError.RESOURCE_IN_USE;
      case VERSION_MISMATCH -> KvsError.VERSION_MISMATCH;
      case TOO_MANY_TAGS -> KvsError.TAGS_PER_RESOURCE_EXCEEDED_LIMIT;
      case OUT_OF_RANGE, BAD_TOKEN -> KvsError.INVALID_ARGUMENT;
    };
    return e.exception(r.getMessage());
  }

  /** The connection closed, or (HTTP/2) the client reset its stream, before the request was done. */
  private static boolean clientWentAway(Throwable t) {
    return t instanceof HttpClosedException || t instanceof StreamResetException
        || t instanceof java.nio.channels.ClosedChannelException;
  }

  private static String describe(Throwable t) {
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
