package io.vidlog.producer;

/** The ContainerFormat of an HLS session's segments (docs/wire-protocol.md §3.5). */
public enum ContainerFormat {
  /** fMP4 segments, one per track, with an init segment per track. */
  FRAGMENTED_MP4,
  /** MPEG-2 transport stream segments, every track muxed. */
  MPEG_TS
}
