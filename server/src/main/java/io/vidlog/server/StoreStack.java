package io.vidlog.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.server.config.ServerConfig;

/**
 * The object store, the envelope crypto over the master key, and the sealer of server-wide objects
 * (scope {@code system}: stream records, access keys), opened from the config.
 */
public record StoreStack(ObjectStore store, Crypto crypto, ObjectSealer systemSealer) {

  /** Opens the backend the config names (fs under the data dir, or s3) and its crypto. */
  @FunctionalInterface
  public interface Opener {
    Future<StoreStack> open(Vertx vertx, ServerConfig config);
  }
}
