package io.vidlog.server.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The route table refuses to build a table that would run a handler without its declared checks. */
class RouteTableTest {
  private final Vertx vertx = Vertx.vertx();
  private final RouteTable.Global global = new RouteTable.Global(ctx -> ctx.next(), ctx -> ctx.next());
  private final RouteTable.Limits limits = new RouteTable.Limits(1024, 100, 1000, 1000);

  @AfterEach
  void close() {
    vertx.close();
  }

  private static ApiModule module(ApiRoute... routes) {
    return () -> List.of(routes);
  }

  @Test
  void aRouteMountedWithoutADeclarationFailsTheTable() {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> ctx.next());
    router.post("/createStream").handler(ctx -> ctx.response().end());
    assertDoesNotThrow(() -> RouteTable.requireDeclared(router, Set.of("POST /createStream")));
    router.post("/sneaky").handler(ctx -> ctx.response().end());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RouteTable.requireDeclared(router, Set.of("POST /createStream")));
    assertTrue(e.getMessage().contains("/sneaky"), e.getMessage());
    Router anyMethod = Router.router(vertx);
    anyMethod.route("/all").handler(ctx -> ctx.response().end());
    assertThrows(IllegalStateException.class, () -> RouteTable.requireDeclared(anyMethod, Set.of("GET /all")));
  }

  @Test
  void twoDeclarationsOfOneRouteFailTheTable() {
    ApiRoute a = ApiRoute.json("/createStream", KvsAction.CREATE_STREAM, ApiRoute.Response.SHORT, ctx -> { });
    ApiRoute b = ApiRoute.json("/createStream", KvsAction.DESCRIBE_STREAM, ApiRoute.Response.SHORT, ctx -> { });
    assertThrows(IllegalStateException.class, () -> RouteTable.createRouter(vertx,
        (ctx, r) -> Future.failedFuture("no"), global, limits, List.of(module(a), module(b))));
  }

  @Test
  void declarationsSayWhoMayCallAndPublicOnesSayWhy() {
    assertThrows(IllegalArgumentException.class, () -> new ApiRoute(io.vertx.core.http.HttpMethod.POST, "/x",
        ApiRoute.Access.SIGNED, null, ApiRoute.Body.JSON, ApiRoute.Response.SHORT, null, ctx -> { }));
    assertThrows(IllegalArgumentException.class, () -> ApiRoute.publicGet("/x", ApiRoute.Response.SHORT, " ",
        ctx -> { }));
    assertThrows(IllegalArgumentException.class, () -> new ApiRoute(io.vertx.core.http.HttpMethod.GET, "/x",
        ApiRoute.Access.PUBLIC, KvsAction.GET_MEDIA, ApiRoute.Body.NONE, ApiRoute.Response.SHORT, "token", ctx -> { }));
  }
}
