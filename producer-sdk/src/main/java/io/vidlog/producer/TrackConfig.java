package io.vidlog.producer;

import io.vidlog.media.audio.AudioSpecificConfig;

/**
 * One track of a stream: its number (used in {@link StreamProducer#putFrame}), codec, and the
 * codec private data when the application has it. A stream has 1–3 tracks (docs/wire-protocol.md §1.4).
 *
 * <p>Video: with {@link NalFormat#ANNEX_B} (the default) and no CodecPrivate, the SDK builds the
 * AVCDecoderConfigurationRecord (H.264) or HEVCDecoderConfigurationRecord (H.265) from the parameter
 * sets of the first key frame, and the width and height from its SPS; no frame is sent before that.
 * Audio: AAC needs its AudioSpecificConfig ({@link #aac(int, int, int)} builds an AAC-LC one).
 *
 * @param trackNumber 1–127, unique in the stream
 * @param codecPrivate null to derive it from the first key frame (video, Annex-B only)
 * @param nalFormat how video frames are framed; ignored for audio
 * @param name a Matroska track name, or null
 */
public record TrackConfig(int trackNumber, Codec codec, byte[] codecPrivate, NalFormat nalFormat, String name) {

  public TrackConfig {
    if (trackNumber < 1 || trackNumber > 127) {
      throw new IllegalArgumentException("track number " + trackNumber + " outside 1..127");
    }
    if (codec == null) {
      throw new IllegalArgumentException("codec is required");
    }
    if (nalFormat == null) {
      nalFormat = NalFormat.ANNEX_B;
    }
    if (codec == Codec.AAC && (codecPrivate == null || codecPrivate.length == 0)) {
      throw new IllegalArgumentException("an AAC track needs its AudioSpecificConfig as codec private data");
    }
    if (codec.isVideo() && nalFormat == NalFormat.AVCC && codecPrivate == null) {
      throw new IllegalArgumentException("a " + codec + " track with length-prefixed (AVCC) frames needs its "
          + "decoder configuration record as codec private data");
    }
    codecPrivate = codecPrivate == null ? null : codecPrivate.clone();
  }

  /** H.264 from Annex-B frames; the CodecPrivate comes from the first key frame's SPS and PPS. */
  public static TrackConfig h264(int trackNumber) {
    return new TrackConfig(trackNumber, Codec.H264, null, NalFormat.ANNEX_B, null);
  }

  /** H.265 from Annex-B frames; the CodecPrivate comes from the first key frame's VPS, SPS and PPS. */
  public static TrackConfig h265(int trackNumber) {
    return new TrackConfig(trackNumber, Codec.H265, null, NalFormat.ANNEX_B, null);
  }

  /** AAC-LC at this sample rate and channel configuration (1 mono, 2 stereo, …). */
  public static TrackConfig aac(int trackNumber, int sampleRate, int channelConfig) {
    return aac(trackNumber, AudioSpecificConfig.aacLc(sampleRate, channelConfig).toBytes());
  }

  /** AAC with this AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1); frames are raw AAC access units without ADTS headers. */
  public static TrackConfig aac(int trackNumber, byte[] audioSpecificConfig) {
    return new TrackConfig(trackNumber, Codec.AAC, audioSpecificConfig, null, null);
  }

  /** This track with a known CodecPrivate. */
  public TrackConfig withCodecPrivate(byte[] data) {
    return new TrackConfig(trackNumber, codec, data, nalFormat, name);
  }

  /** This track with frames framed as given ({@link NalFormat#AVCC} needs the CodecPrivate given first). */
  public TrackConfig withNalFormat(NalFormat format) {
    return new TrackConfig(trackNumber, codec, codecPrivate, format, name);
  }

  public TrackConfig withName(String trackName) {
    return new TrackConfig(trackNumber, codec, codecPrivate, nalFormat, trackName);
  }

  @Override
  public byte[] codecPrivate() {
    return codecPrivate == null ? null : codecPrivate.clone();
  }
}
