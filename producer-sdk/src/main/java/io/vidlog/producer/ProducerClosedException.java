package io.vidlog.producer;

/**
 * The producer no longer accepts frames: it was closed, or it failed for good (the reason is the
 * cause, and was reported to {@link ProducerListener#onError}).
 */
public final class ProducerClosedException extends VidlogException {
  public ProducerClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
