package io.vidlog.playback.hls;

/** HLS PlaybackMode values (docs/wire-protocol.md §3.5), with the default playlist length of each. */
public enum PlaybackMode {
  /** The newest fragments, refreshed as they arrive. */
  LIVE(5),
  /** From a start time in the past, at real pace, then following live. */
  LIVE_REPLAY(5),
  /** A static playlist of a time range. */
  ON_DEMAND(1000);

  private final int defaultMaxResults;

  PlaybackMode(int defaultMaxResults) {
    this.defaultMaxResults = defaultMaxResults;
  }

  /** MaxMediaPlaylistFragmentResults when the request gives none. */
  public int defaultMaxResults() {
    return defaultMaxResults;
  }
}
