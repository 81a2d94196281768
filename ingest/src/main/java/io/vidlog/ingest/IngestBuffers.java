package io.vidlog.ingest;

import io.vidlog.kvs.AckError;
import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;

/**
 * The budgets of what PutMedia body parsers hold in buffers ({@link IngestConfig.Buffers}): one
 * server-wide budget and, per connection, a child of it. A parser charges its connection's budget
 * as its buffers grow and returns everything when it is closed; an overdraft, which the media
 * module reports as an OVER_BUDGET {@link MediaFormatException}, becomes the ERROR ack of the
 * budget that refused. Thread-safe: connections on every event loop and MP4 demux workers share it.
 */
final class IngestBuffers {
  static final String SERVER_WIDE = "server-wide ingest buffer";
  static final String PER_CONNECTION = "per-connection ingest buffer";

  private final ByteBudget serverWide;
  private final long perConnection;

  IngestBuffers(IngestConfig.Buffers limits) {
    this.serverWide = ByteBudget.of(SERVER_WIDE, limits.serverWide());
    this.perConnection = limits.perConnection();
  }

  /** A new connection's budget; its parser returns every byte of it when closed. */
  ByteBudget connection() {
    return serverWide.child(PER_CONNECTION, perConnection);
  }

  /** Bytes all parsers of this server hold now. */
  long used() {
    return serverWide.used();
  }

  /**
   * What the connection fails with for {@code e}: an {@link AckException} with the budget's own
   * ErrorId for an overdraft (the message names the budget and the sizes), {@code e} itself for any
   * other media failure (4006).
   */
  RuntimeException refusal(MediaFormatException e) {
    if (e.kind() != MediaFormatException.Kind.OVER_BUDGET) {
      return e;
    }
    AckError error = e.budget() == serverWide ? AckError.SERVER_BUFFER_LIMIT_REACHED
        : AckError.CONNECTION_BUFFER_LIMIT_REACHED;
    AckException refused = new AckException(error, e.getMessage());
    refused.initCause(e);
    return refused;
  }

  /** {@link #refusal} for a failure of any type: media failures are translated, others pass. */
  Throwable refusal(Throwable t) {
    return t instanceof MediaFormatException e ? refusal(e) : t;
  }
}
