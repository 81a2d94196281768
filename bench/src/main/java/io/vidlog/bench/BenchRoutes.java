package io.vidlog.bench;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vidlog.kvs.Principal;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.RouteMounter;

/**
 * Mounts an API module for a benchmark server with the real route mounting (body handling, the
 * action check) but without SigV4: every request is the benchmark's own all-powerful principal,
 * so signing cost does not blur what a benchmark measures. Never part of the product.
 */
public final class BenchRoutes {
  private static final Principal BENCH = new Principal() {
    @Override
    public String id() {
      return "bench";
    }

    @Override
    public boolean allows(String action, String streamName) {
      return true;
    }
  };

  private BenchRoutes() {}

  public static void mount(Router router, ApiModule module) {
    new RouteMounter((ctx, route) -> Future.succeededFuture(BENCH), new RouteMounter.Limits(1 << 20, 30_000, 30_000))
        .mount(router, module.routes());
  }
}
