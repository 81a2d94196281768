package io.vidlog.ingest;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The two halves of one PutMedia HTTP exchange as a session uses them (docs/wire-protocol.md §1.1, §1.3): the
 * request body, read as a stream and paused for back-pressure, and the chunked response that
 * carries the ack lines. {@link HttpExchange} adapts Vert.x; unit tests drive a session through a
 * fake. Every method is called, and every handler runs, on the connection's context.
 */
interface PutMediaExchange {

  /**
   * Sends the 200 and the ack stream's headers and installs the handlers: {@code data} for each
   * piece of the body (valid during the call), {@code end} when the body ended, {@code gone} when
   * the client went away (with why), {@code writable} when a full ack queue drained. The body
   * stays paused until {@link #resume()}.
   */
  void start(Consumer<ByteBuffer> data, Runnable end, Consumer<String> gone, Runnable writable);

  /** The request's {@code Content-Type}, or null. */
  String contentType();

  void pause();

  void resume();

  /** True once the whole request body has arrived. */
  boolean bodyEnded();

  /** Writes one ack line (one HTTP chunk, flushed at once); dropped when the response is over. */
  void write(String line);

  /** True while the client is not reading its acks fast enough. */
  boolean writeQueueFull();

  /** Ends the ack stream (the last HTTP chunk); the body may still be coming. */
  void end();

  /**
   * The body is still coming but the session is over: read and drop it for a moment, then close
   * the connection, because closing a socket with unread input sends a TCP reset that can destroy
   * the acks the client has not read yet.
   */
  void discardRestThenClose();
}
