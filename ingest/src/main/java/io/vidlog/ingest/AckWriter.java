package io.vidlog.ingest;

import io.vertx.core.http.HttpServerResponse;

/**
 * Writes ack lines to the PutMedia response (kvs-api.md §1.3). Each line is written as one chunk,
 * which Vert.x flushes at once. After the response is closed or ended, acks are dropped: the
 * fragments they describe are stored regardless.
 */
final class AckWriter {
  private final HttpServerResponse response;
  private boolean open = true;
  private long sent;

  AckWriter(HttpServerResponse response) {
    this.response = response;
  }

  void send(AckEvent ack) {
    if (!open || response.ended() || response.closed()) {
      return;
    }
    response.write(ack.toLine());
    sent++;
  }

  /** True when the client is not reading its acks fast enough. */
  boolean full() {
    return open && response.writeQueueFull();
  }

  long sent() {
    return sent;
  }

  /** Ends the ack stream; the caller closes the connection if the request body is still coming. */
  void end() {
    if (open) {
      open = false;
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }
  }

  void closed() {
    open = false;
  }
}
