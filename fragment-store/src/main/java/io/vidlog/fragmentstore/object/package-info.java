/**
 * Object storage behind one interface, {@link io.vidlog.fragmentstore.object.ObjectStore}, with two
 * backends that pass one contract suite: {@link io.vidlog.fragmentstore.object.FsObjectStore}
 * (durable files under {@code <data-dir>/objects}, the zero-setup default) and
 * {@code S3ObjectStore} (minio-java; the only code in vidlog that imports {@code io.minio}).
 *
 * <p>The server builds its store once at start-up:
 * <pre>{@code
 * Future<ObjectStore> store = config.s3() == null
 *     ? ObjectStores.fs(vertx, dataDir)          // <dataDir>/objects
 *     : ObjectStores.s3(vertx, config.s3());     // creates the bucket if missing
 * }</pre>
 * Every call returns a Vert.x {@code Future}; blocking work runs on the worker pools
 * {@code vidlog-store-fs} / {@code vidlog-store-s3}; failures are
 * {@link io.vidlog.fragmentstore.object.StoreException}s with a kind. Keys are checked by
 * {@link io.vidlog.fragmentstore.object.ObjectKeys} on every backend.
 */
package io.vidlog.fragmentstore.object;
