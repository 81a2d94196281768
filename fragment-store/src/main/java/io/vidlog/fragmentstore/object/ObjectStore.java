package io.vidlog.fragmentstore.object;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The one place vidlog's bytes rest: a flat key space in one bucket. Two backends implement it,
 * {@code fs} (durable files under the data dir, the zero-setup default) and {@code s3} (minio-java,
 * any S3-compatible server), and both pass one contract suite.
 *
 * <p>Every call returns a {@link Future} and never blocks the calling thread; blocking work runs on
 * a named worker pool. Failures are {@link StoreException}s with a {@link StoreException.Kind}.
 * A put completes only when the object is durable (fs: temp file, fsync, rename, dir fsync; s3: the
 * server's 200), and readers see either the whole new object or the old state, never a torn write.
 * Keys are {@code /}-separated ASCII, at most 1024 bytes, and never contain media or secrets.
 */
public interface ObjectStore extends AutoCloseable {

  /** Stores a small object (metadata, index segments, key material) from memory. */
  Future<Void> put(String key, Buffer data);

  /**
   * Stores the content of a local spool file as {@code key}. The store takes ownership of the file:
   * it may move it into place (fs) or upload and delete it (s3). Used for fragment chunks, so a
   * large fragment never sits in the heap.
   */
  Future<Void> putFile(String key, Path file);

  /** Reads a whole object; fails with {@link StoreException.Kind#NOT_FOUND} when absent. */
  Future<Buffer> get(String key);

  /** Reads {@code length} bytes from {@code offset} (fewer at the end of the object). */
  Future<Buffer> getRange(String key, long offset, long length);

  /**
   * Reads a range like {@link #getRange} and completes with what {@code reader} makes of its bytes
   * (for example, decrypts them). The reader runs on a worker thread, never on an event loop, and
   * the {@link ByteBuffer} it gets is valid only during the call: a backend may read into a pooled
   * buffer and hand that over without a copy (fs does). An exception the reader throws fails the
   * future as it is. This default reads with {@link #getRange} and runs the reader on the calling
   * context's worker pool (inline when called outside a Vert.x context).
   */
  default <T> Future<T> readRange(String key, long offset, long length, Function<ByteBuffer, T> reader) {
    Context context = Vertx.currentContext();
    return getRange(key, offset, length).compose(b -> {
      ByteBuffer bytes = ((BufferInternal) b).getByteBuf().nioBuffer();
      return context == null ? Future.succeededFuture(reader.apply(bytes))
          : context.executeBlocking(() -> reader.apply(bytes), false);
    });
  }

  /** Size and modification time of an object; NOT_FOUND when absent. */
  Future<ObjectInfo> stat(String key);

  /**
   * Lists keys under {@code prefix} in ascending byte order, strictly after {@code startAfter}
   * (null for the beginning), at most {@code max} of them.
   */
  Future<List<ObjectInfo>> list(String prefix, String startAfter, int max);

  /** Deletes an object; deleting an absent object succeeds. */
  Future<Void> delete(String key);

  /** True when the backend answers; for {@code /health}. */
  Future<Void> ping();

  /**
   * Bytes a write may still use where the objects rest (fs: the usable space of the store's file
   * system), or -1 when the backend cannot tell (s3: the server's business); for {@code /health}.
   */
  default Future<Long> freeBytes() {
    return Future.succeededFuture(-1L);
  }

  /** A short name for logs and metrics: {@code fs} or {@code s3}. */
  String backend();

  @Override
  void close();
}
