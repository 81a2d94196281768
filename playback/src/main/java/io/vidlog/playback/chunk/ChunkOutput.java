package io.vidlog.playback.chunk;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The streaming MKV response of GetMedia and GetMediaForFragmentList: HTTP 200, chunked, sent once
 * the request is known to be good. After that, failures are reported in the stream (docs/wire-protocol.md §2
 * "Errors inside the stream") and never as a JSON body. Writers honour {@link #writeQueueFull()} and
 * {@link #drainHandler} (the Vert.x {@code Pipe} protocol) so nothing larger than the socket's
 * write queue is held per reader.
 */
public final class ChunkOutput implements ChunkSink {
  /**
   * The response Content-Type. The service's literal value is unverified (docs/wire-protocol.md §2); the SDK
   * treats it as an opaque header, and {@code video/webm} is what browsers and ffprobe recognise
   * for a Matroska stream.
   */
  public static final String CONTENT_TYPE = "video/webm";

  private final HttpServerResponse response;
  private boolean started;
  private boolean ended;
  private long bytes;

  public ChunkOutput(HttpServerResponse response) {
    this.response = response;
  }

  /** Sends the status line and headers now, so a reader waiting for live data sees the response start. */
  public void start() {
    if (!started && !ended) {
      started = true;
      response.setStatusCode(200);
      response.putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE);
      response.setChunked(true);
      response.writeHead();
    }
  }

  public boolean started() {
    return started;
  }

  @Override
  public boolean ended() {
    return ended || response.closed();
  }

  public long bytesWritten() {
    return bytes;
  }

  @Override
  public void write(Buffer data) {
    if (ended()) {
      return;
    }
    start();
    bytes += data.length();
    response.write(data);
  }

  @Override
  public boolean writeQueueFull() {
    return !ended() && response.writeQueueFull();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
  }

  @Override
  public void end() {
    if (!ended()) {
      start();
      ended = true;
      response.end();
    }
    ended = true;
  }
}
