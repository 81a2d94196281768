package io.vidlog.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vidlog.server.config.ServerConfig;

/** Opens the configured object store backend and the sealer over the master key. */
final class Stores {
  private Stores() {}

  static Future<StoreStack> open(Vertx vertx, ServerConfig config) {
    // TODO(h/store-objects): FsObjectStore / S3ObjectStore and the Keyring-backed sealer
    return Future.failedFuture(new UnsupportedOperationException(
        "the " + config.store().backend() + " object store is not available in this build yet"));
  }
}
