package io.vidlog.producer;

/** PutMedia acknowledgement event types (docs/wire-protocol.md §1.3). */
public enum AckType {
  /** The service started receiving the fragment (its Cluster started); carries its number. */
  BUFFERING,
  /** The fragment is complete and passed the fragment rules. */
  RECEIVED,
  /** The fragment is durably stored (streams with retention &gt; 0 only). */
  PERSISTED,
  /** A fragment was refused, or the connection ends for a reason. */
  ERROR,
  /** Keep-alive while no data arrives. */
  IDLE,
  /** An event type this SDK does not know (the line is kept, not refused). */
  UNKNOWN
}
