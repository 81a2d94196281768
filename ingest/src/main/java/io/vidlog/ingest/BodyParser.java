package io.vidlog.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vidlog.media.mkv.MkvHandler;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * A push-driven parser of a PutMedia body (MKV, or MP4 upload) that reports to a
 * {@link MkvHandler} on the connection's context. {@code feed} consumes the whole buffer (keeping
 * partial elements itself) and throws {@link io.vidlog.media.MediaFormatException} on bad input,
 * or an {@link AckException} when the input needs more buffer than its budget allows
 * ({@link IngestBuffers}).
 */
interface BodyParser {
  void feed(ByteBuffer bytes);

  /**
   * The body ended; the future completes (on the connection's context) when every event was
   * delivered, and fails with a MediaFormatException when the body ended inside an element (or
   * an AckException for a budget overdraft).
   */
  Future<Void> end();

  /** True while the parser cannot take more input (its own back-pressure). */
  default boolean behind() {
    return false;
  }

  /** The connection caught up: a parser that held events back may deliver them now. */
  default void resume() {}

  /**
   * The connection is over, or was taken over: release files, threads and every buffer now, and
   * return the connection's budget in full (a stalled connection must not keep its memory until
   * its socket closes). Safe to call more than once and at any time, before or after {@link #end()}.
   */
  default void close() {}

  /**
   * Creates a parser for one connection; {@code onProgress} re-evaluates the connection's flow and
   * {@code stalled} says whether the connection's store is behind (deliver nothing more for now).
   */
  @FunctionalInterface
  interface Factory {
    BodyParser create(MkvHandler handler, Context context, Runnable onProgress, BooleanSupplier stalled);
  }
}
