package io.vidlog.playback.hls;

/** HLS ContainerFormat values (docs/wire-protocol.md §3.5): what a session's media segments are. */
public enum ContainerFormat {
  /** An init segment per track and fMP4 media segments of one track each. */
  FRAGMENTED_MP4,
  /** MPEG-2 transport stream segments, every track muxed (getTSFragment.ts). */
  MPEG_TS
}
