package io.vidlog.producer;

/**
 * Something went wrong while streaming, as reported to {@link ProducerListener#onError}. Retriable
 * errors are handled by the producer itself (it reconnects and replays what was not acknowledged);
 * a non-retriable one ends the producer: {@code putFrame} then throws {@link ProducerClosedException}.
 *
 * @param ack the ERROR ack when {@code kind} is {@link Kind#ACK_ERROR}, else null
 * @param cause the underlying exception, or null
 */
public record ProducerError(Kind kind, boolean retriable, String message, Ack ack, Throwable cause) {

  public enum Kind {
    /** The connection could not be opened, broke, or TLS failed. */
    CONNECTION,
    /** PutMedia (or a control-plane call it needs) was answered with an HTTP error. */
    SERVICE,
    /** An ERROR acknowledgement. */
    ACK_ERROR,
    /** No BUFFERING ack arrived in time for a fragment sent: the connection is taken as dead. */
    STALE_CONNECTION,
    /** The response is not the acknowledgement stream of docs/wire-protocol.md §1.3. */
    PROTOCOL,
    /** After a reconnect, the stored fragments could not be listed, so unacknowledged ones are sent again. */
    RECONCILE,
    /** A frame was refused before it reached the buffer (bad NAL data, unknown track, …). */
    FRAME
  }

  @Override
  public String toString() {
    return kind + (retriable ? " (retrying)" : "") + ": " + message;
  }
}
