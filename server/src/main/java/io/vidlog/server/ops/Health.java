package io.vidlog.server.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /health}, unauthenticated: liveness plus store reachability and space. 200
 * {@code {"status":"UP","store":{"backend":"fs","status":"UP","freeBytes":N}}}; 200 with
 * {@code "status":"DEGRADED"} and store {@code "FULL"} when the fs store's file system has less than
 * {@link #LOW_SPACE_BYTES} left (reads are served, fragments may be refused with ERROR 5001
 * STORE_FULL, and restarting would not help, so a load balancer keeps the node); or 503 with
 * {@code "DOWN"} and the failure kind (never a message that could carry internals). A node of a
 * cluster adds {@code "cluster":{"node":N,"quorum":true,"members":[...]}} (docs/cluster.md).
 */
public final class Health {
  private static final long STORE_TIMEOUT_MS = 3_000;
  /**
   * Below this much free space the store is reported FULL: a fragment may be up to 50 MB
   * (docs/wire-protocol.md §1.4) and is spooled and stored on the same file system, so with less
   * than that left, and room for the index beside it, the next fragment may not fit.
   */
  public static final long LOW_SPACE_BYTES = 64L << 20;

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
    Future<Void> ping = store.ping().timeout(STORE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Future<Long> free = store.freeBytes().timeout(STORE_TIMEOUT_MS, TimeUnit.MILLISECONDS).otherwise(-1L);
    Future.join(ping, free).onComplete(all -> respond(ctx, ping.cause(), free.result()));
  }

  private void respond(RoutingContext ctx, Throwable failure, long freeBytes) {
    boolean full = failure == null && freeBytes >= 0 && freeBytes < LOW_SPACE_BYTES;
    String storeState = failure != null ? "DOWN" : full ? "FULL" : "UP";
    JsonObject storeStatus = new JsonObject().put("backend", store.backend()).put("status", storeState);
    if (failure != null) {
      storeStatus.put("error", failure instanceof StoreException s ? s.kind().name() : "TIMEOUT_OR_ERROR");
    }
    if (freeBytes >= 0) {
      storeStatus.put("freeBytes", freeBytes);
    }
    JsonObject body = new JsonObject().put("status", failure != null ? "DOWN" : full ? "DEGRADED" : "UP")
        .put("version", version).put("store", storeStatus);
    if (cluster != null) {
      body.put("cluster", cluster.get());
    }
    ctx.response().setStatusCode(failure == null ? 200 : 503)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(body.encode());
  }
}
