package io.vidlog.media.nal;

/**
 * What a track's codec private data says, in the terms HLS, MP4 and the track summary need.
 * Video fields are 0 for audio and audio fields 0 for video.
 *
 * @param codecId the Matroska-correct CodecID ({@code V_MPEG4/ISO/AVC}, {@code V_MPEGH/ISO/HEVC},
 *     {@code A_AAC}) whatever spelling was given
 * @param codecString RFC 6381 value for an HLS CODECS attribute
 * @param nalLengthSize NAL length field size of the samples (video), 0 for audio
 * @param frameRate frames per second from the SPS VUI, NaN when absent or for audio
 */
public record CodecDescription(Codec codec, String codecId, String codecString, int width,
    int height, int nalLengthSize, double frameRate, int sampleRate, int channels) {

  /** The codecs vidlog understands. */
  public enum Codec { H264, H265, AAC }

  public boolean isVideo() {
    return codec != Codec.AAC;
  }
}
