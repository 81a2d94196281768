package io.vidlog.server.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Per-API request counts by status and latency timers ({@code vidlog_http_requests_seconds} with
 * tags {@code api}, {@code method}, {@code status}). The {@code api} tag is the route's path when it
 * is a known API path and {@code other} otherwise, so hostile paths cannot grow the label set.
 */
public final class HttpMetrics {
  public static final String TIMER = "vidlog.http.requests";

  private final MeterRegistry registry;
  private final Set<String> knownPaths;

  public HttpMetrics(MeterRegistry registry, Set<String> knownPaths) {
    this.registry = registry;
    this.knownPaths = Set.copyOf(knownPaths);
  }

  /** The router's first handler (after the request id): times the request until its response ends. */
  public void start(RoutingContext ctx) {
    long start = System.nanoTime();
    String path = ctx.request().path();
    String api = path != null && knownPaths.contains(path) ? path : (path != null && path.startsWith("/hls/") ? "/hls"
        : path != null && path.startsWith("/dash/") ? "/dash" : "other");
    String method = ctx.request().method().name();
    ctx.addEndHandler(ar -> {
      String status = Integer.toString(ctx.response().getStatusCode());
      Timer.builder(TIMER).tag("api", api).tag("method", method).tag("status", status)
          .publishPercentileHistogram(false)
          .register(registry).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
      if (ar.failed()) {
        Counter.builder("vidlog.http.aborted").tag("api", api).register(registry).increment();
      }
    });
    ctx.next();
  }
}
