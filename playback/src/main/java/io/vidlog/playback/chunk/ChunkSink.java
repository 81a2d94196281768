package io.vidlog.playback.chunk;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.kvs.StreamError;

/**
 * Where the chunks of a streaming MKV response go: the HTTP response ({@link ChunkOutput}) or, in
 * tests, a recording. Writers honour {@link #writeQueueFull()} and {@link #drainHandler} (the Vert.x
 * {@code Pipe} protocol). Once ended, writes are dropped.
 */
public interface ChunkSink {

  void write(Buffer data);

  boolean writeQueueFull();

  /** Called once when the write queue has room again. */
  void drainHandler(Handler<Void> handler);

  /** True once ended, or when the reader went away. */
  boolean ended();

  /** Ends the response cleanly. */
  void end();

  /**
   * Writes an error chunk for fragment {@code number} and ends the response (docs/wire-protocol.md
   * §2 "Errors inside the stream"; {@code archived} adds §3.2's EXCEPTION tags).
   */
  default void endWithError(String number, StreamError error, String message, boolean archived) {
    write(ChunkMkv.errorChunk(number, error.id(), error.code(), message, archived));
    end();
  }
}
