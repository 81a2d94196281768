package io.vidlog.ingest;

import io.vidlog.kvs.AckError;

/**
 * A body parser's refusal that has its own ErrorId (other than 4006 for unparseable media, which
 * {@link io.vidlog.media.MediaFormatException} means): the connection answers with an ERROR ack
 * carrying {@link #error()} and ends, keeping the fragments completed before.
 */
final class AckException extends RuntimeException {
  private final AckError error;

  AckException(AckError error, String message) {
    super(message);
    this.error = error;
  }

  AckError error() {
    return error;
  }
}
