package io.vidlog.server.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.kvs.http.RouteMounter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server's one route table (Hono's {@code createRouter()} pattern). Every API route comes from a
 * module's {@link ApiRoute} declaration; authentication, the action check, body handling and
 * deadlines are derived from it ({@link RouteMounter}), never kept in a separate list. In order:
 * <ol>
 *   <li>every request: request id ({@code x-amzn-RequestId}), access log, header-count limit, metrics;</li>
 *   <li>the declared routes of each module (operations, control plane, ingest, playback …);</li>
 *   <li>last: every other request is an AWS-style UnsupportedOperationException (400).</li>
 * </ol>
 * One {@link FailureHandler} answers every failure. {@link #createRouter} refuses to build a table in
 * which two declarations claim the same route, or in which the router holds a route no declaration
 * made (fail closed: an undeclared route would run without authentication).
 */
public final class RouteTable {

  /** The per-request limits the table enforces. */
  public record Limits(long maxJsonBody, int maxHeaders, long requestTimeoutMs, long bodyDeadlineMs) {}

  /** What the table puts in front of every request, built by the launcher. */
  public record Global(Handler<RoutingContext> accessLog, Handler<RoutingContext> metrics) {}

  private RouteTable() {}

  /** The declared paths (for metrics labels: a hostile path cannot grow the label set). */
  public static Set<String> paths(List<? extends ApiModule> modules) {
    Set<String> out = new TreeSet<>();
    modules.forEach(m -> m.routes().forEach(r -> out.add(r.path())));
    return out;
  }

  public static Router createRouter(Vertx vertx, RouteMounter.Authenticator authenticator, Global global,
      Limits limits, List<? extends ApiModule> modules) {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    router.route().handler(global.accessLog());
    router.route().handler(ctx -> {
      if (ctx.request().headers().size() > limits.maxHeaders()) {
        ctx.fail(KvsError.INVALID_ARGUMENT.exception("The request has more than " + limits.maxHeaders() + " headers"));
      } else {
        ctx.next();
      }
    });
    router.route().handler(global.metrics());

    List<ApiRoute> declared = new ArrayList<>();
    for (ApiModule m : modules) {
      declared.addAll(m.routes());
    }
    Map<String, ApiRoute> byKey = new LinkedHashMap<>();
    for (ApiRoute r : declared) {
      ApiRoute previous = byKey.put(key(r.method(), r.path()), r);
      if (previous != null) {
        throw new IllegalStateException("two declarations for " + r.method() + " " + r.path());
      }
    }
    new RouteMounter(authenticator, new RouteMounter.Limits(limits.maxJsonBody(), limits.requestTimeoutMs(),
        limits.bodyDeadlineMs())).mount(router, declared);

    router.route().last().handler(UnknownOperations::handle);
    router.route().failureHandler(new FailureHandler());
    requireDeclared(router, byKey.keySet());
    return router;
  }

  /** Every route of the router that claims a path must be a declared one. */
  static void requireDeclared(Router router, Set<String> declared) {
    for (Route r : router.getRoutes()) {
      if (r.getPath() == null) {
        continue; // the table's own per-request handlers and the final fallback
      }
      Set<HttpMethod> methods = r.methods();
      if (methods == null || methods.isEmpty()) {
        throw new IllegalStateException("route " + r.getPath() + " answers every method without a declaration");
      }
      for (HttpMethod m : methods) {
        if (!declared.contains(key(m, r.getPath()))) {
          throw new IllegalStateException("route " + m + " " + r.getPath() + " was mounted without a declaration");
        }
      }
    }
  }

  private static String key(HttpMethod method, String path) {
    return method.name() + " " + path;
  }
}
