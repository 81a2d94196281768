package io.vidlog.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.server.config.ServerConfig;

/** The object store and the sealer over the master key, opened from the config. */
public record StoreStack(ObjectStore store, ObjectSealer sealer) {

  /** Opens the backend the config names (fs under the data dir, or s3) and its sealer. */
  @FunctionalInterface
  public interface Opener {
    Future<StoreStack> open(Vertx vertx, ServerConfig config);
  }
}
