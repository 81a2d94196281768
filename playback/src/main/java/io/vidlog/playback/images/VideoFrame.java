package io.vidlog.playback.images;

/**
 * One coded H.264 frame of a fragment, copied out of the chunk: its time on the request's clock
 * (producer or server, ms) and its bytes as Matroska stores them (length-prefixed NAL units).
 */
record VideoFrame(long timeMillis, boolean key, byte[] data) {}
