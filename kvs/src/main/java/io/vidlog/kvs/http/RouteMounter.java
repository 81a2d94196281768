package io.vidlog.kvs.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.Principal;
import java.util.List;

/**
 * Mounts {@link ApiRoute} declarations on a router with everything each declaration implies in front
 * of its handler, in this order:
 * <ol>
 *   <li>a body deadline (JSON routes): the whole body must arrive within {@link Limits#bodyDeadlineMs}
 *       of the request, or the request is answered 408 and its connection closed, so a client
 *       dripping bytes cannot hold a connection open before anyone knows who it is;</li>
 *   <li>the request timeout (SHORT responses);</li>
 *   <li>body handling: JSON bodies are read whole, bounded by {@link Limits#maxJsonBody} (so a
 *       signature can cover their hash); STREAM bodies are paused and never buffered;</li>
 *   <li>authentication for every route but PUBLIC ones ({@link Authenticator}); then the action check:
 *       a SIGNED route's caller must hold its action on some stream, an ADMIN route's caller must be
 *       an administrator, a SESSION route's caller needs no action; the handler of a SIGNED route
 *       then finds a {@link Caller} in the context;</li>
 *   <li>the handler.</li>
 * </ol>
 * A request whose response ends before its body was read (and whose body no streaming handler has taken
 * over) has the rest dropped for a moment, then its connection closed or its HTTP/2 stream reset:
 * nothing waits long for a body nobody will read.
 */
public final class RouteMounter {

  /**
   * Establishes who sent a request (the body of a JSON route has been read; a STREAM route's is
   * paused). It is called for every SIGNED, ADMIN and SESSION route and decides alone which
   * credentials each route accepts (a signature, a browser's session cookie).
   */
  @FunctionalInterface
  public interface Authenticator {
    /** The principal, or a failure (NotAuthorizedException) when the request does not authenticate. */
    Future<Principal> authenticate(RoutingContext ctx, ApiRoute route);
  }

  /** Per-request limits. */
  public record Limits(long maxJsonBody, long requestTimeoutMs, long bodyDeadlineMs) {}

  private final Authenticator authenticator;
  private final Limits limits;

  public RouteMounter(Authenticator authenticator, Limits limits) {
    this.authenticator = authenticator;
    this.limits = limits;
  }

  /** Mounts each declaration, in order. */
  public void mount(Router router, List<ApiRoute> routes) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(limits.maxJsonBody());
    TimeoutHandler timeout = TimeoutHandler.create(limits.requestTimeoutMs(), 503);
    for (ApiRoute r : routes) {
      Route route = router.route(r.method(), r.path());
      route.handler(new DrainUnreadBody(r.body() == ApiRoute.Body.STREAM));
      if (r.body() == ApiRoute.Body.JSON) {
        route.handler(new BodyDeadline(limits.bodyDeadlineMs()));
      }
      if (r.response() == ApiRoute.Response.SHORT) {
        route.handler(timeout);
      }
      switch (r.body()) {
        case JSON -> route.handler(body);
        case STREAM -> route.handler(ctx -> {
          ctx.request().pause();
          ctx.next();
        });
        case NONE -> { }
      }
      if (r.access() != ApiRoute.Access.PUBLIC) {
        route.handler(ctx -> authorize(ctx, r));
      }
      if (r.body() == ApiRoute.Body.STREAM) {
        route.handler(ctx -> {
          // from here on the streaming handler owns the body (ingest ends it itself, after its acks)
          ctx.put(DrainUnreadBody.HANDLER_OWNS_BODY, Boolean.TRUE);
          r.handler().handle(ctx);
        });
      } else {
        route.handler(r.handler());
      }
    }
  }

  private void authorize(RoutingContext ctx, ApiRoute r) {
    Future<Principal> who;
    try {
      who = authenticator.authenticate(ctx, r);
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    who.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Principal p = ar.result();
      if (p != null) {
        ctx.put(Caller.KEY_ID, p.id());
      }
      if (p == null) {
        ctx.fail(KvsError.NOT_AUTHORIZED.exception("The request is not authenticated"));
      } else if (r.access() == ApiRoute.Access.ADMIN && !p.admin()) {
        ctx.fail(KvsError.ACCESS_DENIED.exception("User: " + p.id() + " is not an administrator"));
      } else if (r.access() == ApiRoute.Access.SIGNED && !p.allows(r.action().actionName(), null)) {
        ctx.fail(r.action().denied(p.id(), null));
      } else {
        if (r.access() == ApiRoute.Access.SIGNED) {
          Caller.attach(ctx, p, r.action());
        }
        ctx.next();
      }
    });
  }

  /**
   * Answers 408 (and the connection is then closed) when a JSON body has not fully arrived in time.
   * A platform handler: it must run before the body handler that waits for the body.
   */
  private static final class BodyDeadline implements PlatformHandler {
    private final long deadlineMs;

    BodyDeadline(long deadlineMs) {
      this.deadlineMs = deadlineMs;
    }

    @Override
    public void handle(RoutingContext ctx) {
      HttpServerRequest req = ctx.request();
      if (!req.isEnded()) {
        long timer = ctx.vertx().setTimer(deadlineMs, id -> {
          if (!req.isEnded() && !ctx.response().ended()) {
            ctx.fail(408, KvsError.REQUEST_TIMEOUT.exception("The request body did not arrive within "
                + deadlineMs + " ms"));
          }
        });
        ctx.addEndHandler(v -> ctx.vertx().cancelTimer(timer));
      }
      ctx.next();
    }
  }

  /**
   * When a response ends before its request body was read (an error before the handler, a 408, a
   * handler that does not need the rest), what is left of the body is read and dropped for a moment
   * and then the connection is closed (HTTP/1.x) or the stream reset (HTTP/2). Closing at once would
   * make the client's kernel answer its unsent bytes with a TCP reset that can destroy the response
   * before the client reads it; never closing would let a client hold the connection with a body
   * nobody reads. Bounded in time ({@value #LINGER_MS} ms) and bytes ({@value #LINGER_BYTES}).
   */
  private static final class DrainUnreadBody implements PlatformHandler {
    static final String HANDLER_OWNS_BODY = "vidlog.handlerOwnsBody";
    static final long LINGER_MS = 1_000;
    static final long LINGER_BYTES = 4L << 20;
    private final boolean stream;

    DrainUnreadBody(boolean stream) {
      this.stream = stream;
    }

    @Override
    public void handle(RoutingContext ctx) {
      HttpServerRequest req = ctx.request();
      ctx.addEndHandler(ar -> {
        // only after a response that was sent: when the connection failed or closed, whoever reads
        // the body (the body handler) must hear of it, so its handlers stay as they are
        if (ar.failed() || !ctx.response().ended() || req.isEnded()
            || (stream && Boolean.TRUE.equals(ctx.get(HANDLER_OWNS_BODY)))) {
          return;
        }
        long[] dropped = {0};
        long timer = ctx.vertx().setTimer(LINGER_MS, id -> close(req));
        req.exceptionHandler(t -> ctx.vertx().cancelTimer(timer));
        req.endHandler(end -> ctx.vertx().cancelTimer(timer));
        req.handler(b -> {
          dropped[0] += b.length();
          if (dropped[0] > LINGER_BYTES) {
            ctx.vertx().cancelTimer(timer);
            close(req);
          }
        });
        req.resume();
      });
      ctx.next();
    }

    private static void close(HttpServerRequest req) {
      if (req.isEnded()) {
        return;
      }
      if (req.version() == HttpVersion.HTTP_2) {
        req.response().reset();
      } else {
        req.connection().close();
      }
    }
  }
}
