package io.vidlog.producer;

/** How the bytes of an H.264 or H.265 frame given to {@link StreamProducer#putFrame} are framed. */
public enum NalFormat {
  /**
   * Start codes ({@code 00 00 01}), as encoders and raw {@code .h264} files produce them (ITU-T H.264
   * Annex B). The SDK converts each frame to length-prefixed NAL units and builds the CodecPrivate
   * from the SPS and PPS (and VPS) of the first key frame when the track has none.
   */
  ANNEX_B,
  /**
   * 4-byte length prefixes (ISO/IEC 14496-15 §5.3.2), as MP4 and MKV files carry them; the track
   * must then be given its CodecPrivate.
   */
  AVCC
}
