package io.vidlog.server.ops;

import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import java.util.List;

/**
 * The operations endpoints: {@code GET /health} (open: load balancers and orchestrators probe it,
 * and it tells only up/down and the store backend) and {@code GET /metrics} (admin keys only, unless
 * the operator made it public for a scraper that cannot sign).
 */
public final class OpsApi implements ApiModule {
  private final Health health;
  private final MetricsEndpoint metrics;
  private final boolean metricsPublic;

  public OpsApi(Health health, MetricsEndpoint metrics, boolean metricsPublic) {
    this.health = health;
    this.metrics = metrics;
    this.metricsPublic = metricsPublic;
  }

  @Override
  public List<ApiRoute> routes() {
    ApiRoute metricsRoute = metricsPublic
        ? ApiRoute.publicGet("/metrics", ApiRoute.Response.SHORT,
            "--metrics-public: the operator serves metrics to scrapers that cannot sign", metrics::handle)
        : ApiRoute.adminGet("/metrics", metrics::handle);
    return List.of(
        ApiRoute.publicGet("/health", ApiRoute.Response.SHORT,
            "liveness probe: answers only up/down and the store backend", health::handle),
        metricsRoute);
  }
}
