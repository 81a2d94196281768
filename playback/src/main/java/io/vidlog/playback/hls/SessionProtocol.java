package io.vidlog.playback.hls;

/**
 * Which API made a streaming session and which resources it opens (docs/wire-protocol.md §3.5,
 * §3.6): the playlists under {@code /hls/v1/} or the manifest under {@code /dash/v1/}; both serve
 * the same fMP4 init and media segments.
 */
public enum SessionProtocol { HLS, DASH }
