package io.vidlog.producer;

/**
 * Which of a fragment's two timestamps a time range selects (docs/wire-protocol.md §1.2): the
 * producer's (the Cluster Timecode, made absolute) or the server's arrival time.
 */
public enum TimestampType {
  PRODUCER_TIMESTAMP,
  SERVER_TIMESTAMP
}
