package io.vidlog.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.crypto.Keyring;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.ObjectStores;
import io.vidlog.fragmentstore.object.S3Config;
import io.vidlog.server.config.ServerConfig;
import java.util.Base64;
import java.util.List;

/**
 * Opens the configured object store backend and the crypto over the master key: the keyring under
 * {@code <data-dir>/keys} (created on first start) unless {@code --master-key} gives the key.
 */
public final class Stores {
  private Stores() {}

  public static Future<StoreStack> open(Vertx vertx, ServerConfig config) {
    return backend(vertx, config).compose(store -> withCrypto(vertx, store, config)
        .onFailure(e -> store.close()));
  }

  static Future<ObjectStore> backend(Vertx vertx, ServerConfig config) {
    if (config.store().s3() == null) {
      return ObjectStores.fs(vertx, config.dataDir());
    }
    var s3 = config.store().s3();
    return ObjectStores.s3(vertx, new S3Config(s3.endpoint().toString(), s3.region(), s3.bucket(), s3.accessKey(),
        s3.secretKey(), s3.pathStyle(), false, null, S3Config.DEFAULT_WORKERS));
  }

  /** The crypto over {@code store}: the configured master key, or the keyring under the data dir. */
  public static Future<StoreStack> withCrypto(Vertx vertx, ObjectStore store, ServerConfig config) {
    byte[] master = config.security().masterKey();
    Future<Crypto> crypto = master != null
        ? Future.succeededFuture(Crypto.open(vertx, store,
            Keyring.of(Base64.getEncoder().encodeToString(master), List.of())))
        : Crypto.open(vertx, store, config.dataDir().resolve("keys"));
    return crypto.compose(c -> c.keys(SealContext.SYSTEM).map(sealer -> new StoreStack(store, c, sealer)));
  }
}
