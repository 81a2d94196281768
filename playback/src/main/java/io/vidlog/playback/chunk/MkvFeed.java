package io.vidlog.playback.chunk;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import io.vidlog.media.mkv.MkvReader;
import java.util.function.BooleanSupplier;

/**
 * Feeds a stored chunk's decrypted stream into an {@link MkvReader} as it arrives (the reader's
 * handler does the work), for readers that take a chunk whole or stop part-way: clips, images.
 */
public final class MkvFeed {
  private MkvFeed() {}

  /**
   * Reads {@code source} into {@code reader} until it ends (then {@code reader.end()}) or
   * {@code enough} holds after a buffer. Completes with true when the chunk was read to its end,
   * false when stopped early; fails with the stream's failure or what the reader (or its handler)
   * threw. After a stop or a failure the stream is paused and the reader closed: nothing more is
   * read or decrypted.
   */
  public static Future<Boolean> feed(ReadStream<Buffer> source, MkvReader reader, BooleanSupplier enough) {
    Promise<Boolean> done = Promise.promise();
    source.exceptionHandler(e -> {
      reader.close();
      done.tryFail(e);
    });
    source.handler(buf -> {
      if (done.future().isComplete()) {
        return;
      }
      try {
        reader.feed(((BufferInternal) buf).getByteBuf().nioBuffer());
      } catch (RuntimeException e) {
        source.pause();
        done.tryFail(e);
        return;
      }
      if (enough.getAsBoolean()) {
        source.pause();
        reader.close();
        done.tryComplete(false);
      }
    });
    source.endHandler(v -> {
      if (done.future().isComplete()) {
        return;
      }
      try {
        reader.end();
        done.tryComplete(true);
      } catch (RuntimeException e) {
        done.tryFail(e);
      }
    });
    source.resume();
    return done.future();
  }
}
