package io.vidlog.producer;

/** The PlaybackMode of a streaming session (docs/wire-protocol.md §3.5). */
public enum PlaybackMode {
  /** The newest fragments, following the live edge. */
  LIVE,
  /** From a start time, following the live edge when the range has no end. */
  LIVE_REPLAY,
  /** A closed time range, as a finished playlist. */
  ON_DEMAND
}
