package io.vidlog.ingest;

import java.util.function.LongSupplier;

/**
 * Back-pressure of one PutMedia connection (docs/architecture.md §Code style, Vert.x {@code PipeImpl}): the request is
 * paused while the store is behind, the body parser cannot take more, or the client does not read
 * its acks, and resumed when all three caught up, so memory per connection stays bounded whatever
 * the fragment size.
 *
 * <p>It also keeps the producer's activity for the idle timer and the takeover rule: how long the
 * producer has been silent, that is since its last byte arrived, not counting the time this
 * connection itself held the request for the store or the parser (waiting for vidlog is not the
 * producer falling silent). A client that does not read its acks is still counted as silent.
 * Written on the connection's context; {@link #silentNanos()} may be read from any thread.
 */
final class FlowControl {
  private final PutMediaExchange exchange;
  private final LongSupplier nanoClock;
  /** The request arrives paused (IngestApi pauses it before the stream is looked up). */
  private boolean paused = true;
  private boolean stopped;
  private volatile boolean heldByUs;
  private volatile long lastByteNanos;

  FlowControl(PutMediaExchange exchange, LongSupplier nanoClock) {
    this.exchange = exchange;
    this.nanoClock = nanoClock;
    this.lastByteNanos = nanoClock.getAsLong();
  }

  /** Bytes of the body arrived. */
  void received() {
    lastByteNanos = nanoClock.getAsLong();
  }

  /** Pauses or resumes the request for what is behind now. */
  void update(boolean storeBehind, boolean acksFull, boolean parserBehind) {
    if (stopped) {
      return;
    }
    boolean held = storeBehind || parserBehind;
    if (heldByUs && !held) {
      lastByteNanos = nanoClock.getAsLong(); // the producer's silence is counted from when we let go
    }
    heldByUs = held;
    boolean behind = held || acksFull;
    if (behind && !paused) {
      paused = true;
      exchange.pause();
    } else if (!behind && paused) {
      paused = false;
      exchange.resume();
    }
  }

  /** No more input is read: the request stays paused. */
  void stop() {
    stopped = true;
    heldByUs = false;
    if (!paused) {
      paused = true;
      exchange.pause();
    }
  }

  /** How long the producer has been silent (0 while this connection holds the request for itself). */
  long silentNanos() {
    return heldByUs ? 0 : Math.max(0, nanoClock.getAsLong() - lastByteNanos);
  }
}
