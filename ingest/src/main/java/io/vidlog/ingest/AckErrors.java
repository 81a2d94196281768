package io.vidlog.ingest;

import io.vidlog.kvs.AckError;
import io.vidlog.media.MediaFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a failure while reading a PutMedia body becomes the ErrorId of its ERROR ack
 * (docs/wire-protocol.md §1.3): a parser's own refusal ({@link AckException}, a buffer budget overdraft among
 * them) keeps its id, media that cannot be parsed is 4006 INVALID_MKV_DATA, and anything else (a vidlog bug, a spool file that cannot be
 * written or no longer authenticates) is 5000 INTERNAL_ERROR, logged with its stack.
 */
final class AckErrors {
  private static final Logger LOG = LoggerFactory.getLogger(AckErrors.class);

  private AckErrors() {}

  /** The ErrorId for {@code failure} on {@code streamName}'s connection, logged once here. */
  static AckError of(Throwable failure, String streamName) {
    if (failure instanceof AckException e) {
      LOG.info("PutMedia {}: refused: {}", streamName, e.getMessage());
      return e.error();
    }
    if (failure instanceof MediaFormatException e) {
      LOG.info("PutMedia {}: invalid media: {}", streamName, e.getMessage());
      return AckError.INVALID_MKV_DATA;
    }
    LOG.warn("PutMedia {}: internal error", streamName, failure);
    return AckError.INTERNAL_ERROR;
  }
}
