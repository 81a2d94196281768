package io.vidlog.playback.hls;

/** When media playlists mark {@code #EXT-X-DISCONTINUITY} between fragments (docs/wire-protocol.md §3.5). */
public enum DiscontinuityMode {
  /** Before every fragment but the first listed. */
  ALWAYS,
  /** Never for timing; still where the codec private data changes, which no player can play through. */
  NEVER,
  /** Where the gap or overlap between a fragment's end and the next one's start exceeds 50 ms. */
  ON_DISCONTINUITY
}
