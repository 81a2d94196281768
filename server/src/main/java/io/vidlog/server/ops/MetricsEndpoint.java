package io.vidlog.server.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.RoutingContext;

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
