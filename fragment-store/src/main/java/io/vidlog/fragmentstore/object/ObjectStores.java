package io.vidlog.fragmentstore.object;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * The factory the server calls to build its one object store from config. Both methods do their
 * start-up I/O (creating directories, cleaning crash leftovers, creating the bucket) on a worker
 * thread, so they may be called from a verticle's start.
 */
public final class ObjectStores {
  private ObjectStores() {}

  /** The zero-setup default: a durable {@link FsObjectStore} under {@code <dataDir>/objects}. */
  public static Future<ObjectStore> fs(Vertx vertx, Path dataDir) {
    return vertx.executeBlocking(() -> new FsObjectStore(vertx, dataDir.resolve("objects")), false);
  }


  /** An {@link S3ObjectStore} on any S3-compatible server; creates the bucket when it is missing. */
  public static Future<ObjectStore> s3(Vertx vertx, S3Config config) {
    return S3ObjectStore.open(vertx, config).map(s -> s);
  }
}
