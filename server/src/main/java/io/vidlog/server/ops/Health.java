package io.vidlog.server.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /health}, unauthenticated: liveness plus store reachability. 200
 * {@code {"status":"UP","store":{"backend":"fs","status":"UP"}}} or 503 with {@code "DOWN"} and the
 * failure kind (never a message that could carry internals). A node of a cluster adds
 * {@code "cluster":{"node":N,"quorum":true,"members":[...]}} (docs/cluster.md).
 */
public final class Health {
  private static final long STORE_TIMEOUT_MS = 3_000;

  private final Vertx vertx;
  private final ObjectStore store;
  private final String version;
  private final Supplier<JsonObject> cluster;

  public Health(Vertx vertx, ObjectStore store, String version) {
    this(vertx, store, version, null);
  }

  /** @param cluster the {@code cluster} member (membership of this node), null when it runs alone */
  public Health(Vertx vertx, ObjectStore store, String version, Supplier<JsonObject> cluster) {
    this.vertx = vertx;
    this.store = store;
    this.version = version;
    this.cluster = cluster;
  }

  public void handle(RoutingContext ctx) {
    store.ping().timeout(STORE_TIMEOUT_MS, TimeUnit.MILLISECONDS).onComplete(ar -> {
      JsonObject storeStatus = new JsonObject().put("backend", store.backend())
          .put("status", ar.succeeded() ? "UP" : "DOWN");
      if (ar.failed()) {
        storeStatus.put("error", ar.cause() instanceof StoreException s ? s.kind().name() : "TIMEOUT_OR_ERROR");
      }
      JsonObject body = new JsonObject().put("status", ar.succeeded() ? "UP" : "DOWN")
          .put("version", version).put("store", storeStatus);
      if (cluster != null) {
        body.put("cluster", cluster.get());
      }
      ctx.response().setStatusCode(ar.succeeded() ? 200 : 503)
          .putHeader("content-type", "application/json")
          .putHeader("cache-control", "no-store")
          .end(body.encode());
    });
  }
}
