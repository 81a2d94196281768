package io.vidlog.server.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;
import io.vidlog.server.auth.KeyPrincipal;
import io.vidlog.kvs.Principal;

/**
 * {@code GET /metrics} in the Prometheus text format. Authenticated by default (SigV4 with an admin
 * key, since metrics name streams and show traffic); {@code --metrics-public} serves it openly to a
 * scraper that cannot sign.
 */
public final class MetricsEndpoint {
  private final PrometheusMeterRegistry registry;

  public MetricsEndpoint(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** Runs after the auth handler unless metrics are public: admin keys only. */
  public static void requireAdmin(RoutingContext ctx) {
    Principal p = ctx.get(Principal.CONTEXT_KEY);
    if (p instanceof KeyPrincipal k && k.admin()) {
      ctx.next();
    } else {
      ctx.fail(KvsError.ACCESS_DENIED.exception("Metrics require an admin access key"));
    }
  }

  public void handle(RoutingContext ctx) {
    ctx.vertx().executeBlocking(registry::scrape, false).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
    });
  }
}
