package io.vidlog.server.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import io.vidlog.kvs.KvsError;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server's one route table (Hono's {@code createRouter()} pattern). In order:
 * <ol>
 *   <li>every request: request id ({@code x-amzn-RequestId}), header-count limit, metrics;</li>
 *   <li>operations: {@code GET /health} (open) and {@code GET /metrics};</li>
 *   <li>a prelude per known KVS path: JSON paths get a BodyHandler with a small limit, a request
 *       timeout where the response is small, and SigV4 authentication; streaming paths
 *       ({@code /putMedia}) get authentication only, never a BodyHandler, and reach their handler
 *       with the request paused;</li>
 *   <li>the {@link ApiModule}s: control plane, then ingest and playback (mounted by the lead);</li>
 *   <li>last: every other request is an AWS-style UnsupportedOperationException (400).</li>
 * </ol>
 * One {@link FailureHandler} answers every failure.
 */
public final class RouteTable {
  /** The control plane, kvs-api.md §4. */
  public static final Set<String> CONTROL_PATHS = Set.of("/createStream", "/describeStream", "/listStreams",
      "/deleteStream", "/updateStream", "/updateDataRetention", "/getDataEndpoint", "/tagStream", "/untagStream",
      "/listTagsForStream", "/TagResource", "/UntagResource", "/ListTagsForResource");
  /** Media APIs with a small JSON request and a small JSON response: request timeout applies. */
  public static final Set<String> MEDIA_SHORT_PATHS = Set.of("/listFragments", "/getHLSStreamingSessionURL",
      "/getDASHStreamingSessionURL");
  /** Media APIs with a small JSON request and a long or streamed response: no request timeout. */
  public static final Set<String> MEDIA_LONG_PATHS = Set.of("/getMedia", "/getMediaForFragmentList", "/getClip",
      "/getImages");
  /** Requests whose body is a stream: no BodyHandler, no request timeout (kvs-api.md §1). */
  public static final Set<String> STREAMING_PATHS = Set.of("/putMedia");

  /** The handlers the route table composes, built by the launcher. */
  public record Handlers(Handler<RoutingContext> metrics, Handler<RoutingContext> health,
      Handler<RoutingContext> metricsEndpoint, boolean metricsPublic, Handler<RoutingContext> jsonAuth,
      Handler<RoutingContext> streamingAuth, Handler<RoutingContext> adminOnly) {}

  /** The limits the route table enforces per request. */
  public record Limits(long maxJsonBody, int maxHeaders, long requestTimeoutMs) {}

  private RouteTable() {}

  public static Set<String> knownPaths() {
    Set<String> all = new TreeSet<>(CONTROL_PATHS);
    all.addAll(MEDIA_SHORT_PATHS);
    all.addAll(MEDIA_LONG_PATHS);
    all.addAll(STREAMING_PATHS);
    all.add("/health");
    all.add("/metrics");
    return all;
  }

  public static Router createRouter(io.vertx.core.Vertx vertx, Handlers h, Limits limits, List<ApiModule> modules) {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    router.route().handler(ctx -> {
      if (ctx.request().headers().size() > limits.maxHeaders()) {
        ctx.fail(KvsError.INVALID_ARGUMENT.exception("The request has more than " + limits.maxHeaders() + " headers"));
      } else {
        ctx.next();
      }
    });
    router.route().handler(h.metrics());

    router.get("/health").handler(h.health());
    if (h.metricsPublic()) {
      router.get("/metrics").handler(h.metricsEndpoint());
    } else {
      router.get("/metrics").handler(h.jsonAuth()).handler(h.adminOnly()).handler(h.metricsEndpoint());
    }

    BodyHandler body = BodyHandler.create(false).setBodyLimit(limits.maxJsonBody());
    TimeoutHandler timeout = TimeoutHandler.create(limits.requestTimeoutMs(), 503);
    for (String p : CONTROL_PATHS) {
      router.post(p).handler(timeout).handler(body).handler(h.jsonAuth());
    }
    for (String p : MEDIA_SHORT_PATHS) {
      router.post(p).handler(timeout).handler(body).handler(h.jsonAuth());
    }
    for (String p : MEDIA_LONG_PATHS) {
      router.post(p).handler(body).handler(h.jsonAuth());
    }
    for (String p : STREAMING_PATHS) {
      router.post(p).handler(h.streamingAuth());
    }

    // ---- API modules: ControlPlaneApi, then (mounted by the lead) IngestApi and PlaybackApi ----
    for (ApiModule m : modules) {
      m.mount(router);
    }

    router.route().last().handler(UnknownOperations::handle);
    router.route().failureHandler(new FailureHandler());
    return router;
  }
}
