package io.vidlog.media.mp4;

/** Receives what an MP4 demuxer finds, in input order. Exceptions thrown here abort the demux. */
public interface Mp4Handler {
  /** The tracks, once, before any sample (after moov). */
  void onTracks(java.util.List<Mp4Track> tracks);

  /** One sample; its payload is valid only during the call. */
  void onSample(Mp4Sample sample);

  /** The input ended cleanly. */
  default void onEnd() {}
}
