package io.vidlog.ingest;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** A PutMedia exchange over Vert.x's HTTP server request and response. */
final class HttpExchange implements PutMediaExchange {
  /** How long, and how many bytes, the rest of a body is read and dropped before the connection is closed. */
  private static final long LINGER_MILLIS = 1_000;
  private static final long LINGER_BYTES = 4L << 20;

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private boolean bodyEnded;

  HttpExchange(Vertx vertx, HttpServerRequest request) {
    this.vertx = vertx;
    this.request = request;
    this.response = request.response();
  }

  @Override
  public void start(Consumer<ByteBuffer> data, Runnable end, Consumer<String> gone, Runnable writable) {
    response.setChunked(true).putHeader("Content-Type", "application/json");
    response.writeHead();
    response.drainHandler(v -> writable.run());
    response.closeHandler(v -> gone.accept("response closed"));
    request.exceptionHandler(e -> gone.accept(e.getMessage()));
    request.handler(b -> data.accept(((BufferInternal) b).getByteBuf().nioBuffer()));
    request.endHandler(v -> {
      bodyEnded = true;
      end.run();
    });
  }

  @Override
  public String contentType() {
    return request.getHeader("Content-Type");
  }

  @Override
  public void pause() {
    request.pause();
  }

  @Override
  public void resume() {
    request.resume();
  }

  @Override
  public boolean bodyEnded() {
    return bodyEnded;
  }

  @Override
  public void write(String line) {
    if (!response.ended() && !response.closed()) {
      response.write(line);
    }
  }

  @Override
  public boolean writeQueueFull() {
    return !response.ended() && !response.closed() && response.writeQueueFull();
  }

  @Override
  public void end() {
    if (!response.ended() && !response.closed()) {
      response.end();
    }
  }

  @Override
  public void discardRestThenClose() {
    discardThenClose(vertx, request);
  }

  /** Reads and drops the rest of {@code request}'s body, bounded in time and bytes, then closes its connection. */
  static void discardThenClose(Vertx vertx, HttpServerRequest request) {
    long[] dropped = {0};
    boolean[] ended = {false};
    request.handler(b -> {
      dropped[0] += b.length();
      if (dropped[0] > LINGER_BYTES) {
        request.connection().close();
      }
    });
    request.endHandler(v -> ended[0] = true);
    request.exceptionHandler(e -> { });
    request.resume();
    vertx.setTimer(LINGER_MILLIS, id -> {
      if (!ended[0]) {
        request.connection().close();
      }
    });
  }
}
