package io.vidlog.kvs.http;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vidlog.kvs.Principal;

/**
 * For module tests that serve an {@link ApiModule} without the server: mounts its declarations with
 * the real {@link RouteMounter} (body handling, deadlines, the action check, the {@link Caller}),
 * authenticating every request as one given principal instead of by SigV4.
 */
public final class TestRoutes {
  /** A principal allowed every action on every stream. */
  public static final Principal ALLOW_ALL = new Principal() {
    @Override
    public String id() {
      return "test-admin";
    }

    @Override
    public boolean allows(String action, String streamName) {
      return true;
    }

    @Override
    public boolean admin() {
      return true;
    }
  };

  private TestRoutes() {}

  public static void mount(Router router, ApiModule module, Principal principal) {
    new RouteMounter((ctx, route) -> Future.succeededFuture(principal),
        new RouteMounter.Limits(1 << 20, 30_000, 30_000)).mount(router, module.routes());
  }

  public static void mount(Router router, ApiModule module) {
    mount(router, module, ALLOW_ALL);
  }
}
