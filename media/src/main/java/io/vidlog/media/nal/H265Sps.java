package io.vidlog.media.nal;

import static io.vidlog.media.MediaFormatException.Format.H265;

import io.vidlog.media.MediaFormatException.Format;

/**
 * The fields of an H.265 sequence parameter set (ITU-T H.265 §7.3.2.2.1) that a container needs:
 * the general profile/tier/level, chroma format, bit depths and the displayed size after the
 * conformance window.
 */
public record H265Sps(HevcProfile profile, int maxSubLayers, boolean temporalIdNesting, int spsId,
    int chromaFormatIdc, int bitDepthLuma, int bitDepthChroma, int width, int height) {

  /** Parses an SPS NAL unit, 2-byte header included, emulation-prevention bytes still in. */
  public static H265Sps parse(byte[] nal) {
    if (nal.length < 4) {
      throw H265.malformed(0, "H.265 SPS of " + nal.length + " bytes");
    }
    int type = (nal[0] >> 1) & 0x3F;
    if (type != NalUnits.H265_SPS) {
      throw H265.malformed(0, "NAL unit type " + type + " is not an SPS (33)");
    }
    BitReader r = new BitReader(Format.H265, Rbsp.unescape(nal, 2, nal.length - 2));
    r.skipBits(4); // sps_video_parameter_set_id
    int maxSubLayersMinus1 = r.readInt(3);
    if (maxSubLayersMinus1 > 6) {
      throw H265.malformed(0, "sps_max_sub_layers_minus1 " + maxSubLayersMinus1);
    }
    boolean nesting = r.readBit();
    HevcProfile profile = HevcProfile.read(r);
    skipSubLayers(r, maxSubLayersMinus1);
    int spsId = r.readUe();
    if (spsId > 15) {
      throw H265.malformed(r.bytePosition(), "sps_seq_parameter_set_id " + spsId);
    }
    int chroma = r.readUe();
    if (chroma > 3) {
      throw H265.malformed(r.bytePosition(), "chroma_format_idc " + chroma);
    }
    boolean separate = chroma == 3 && r.readBit();
    long width = r.readUe();
    long height = r.readUe();
    if (r.readBit()) { // conformance_window_flag; offsets in chroma units (§7.4.3.2.1)
      int chromaArrayType = separate ? 0 : chroma;
      int subWidth = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
      int subHeight = chromaArrayType == 1 ? 2 : 1;
      long left = r.readUe();
      long right = r.readUe();
      long top = r.readUe();
      long bottom = r.readUe();
      width -= subWidth * (left + right);
      height -= subHeight * (top + bottom);
    }
    if (width <= 0 || height <= 0 || width > 65535 || height > 65535) {
      throw H265.malformed(r.bytePosition(), "picture size " + width + "x" + height);
    }
    int depthLuma = 8 + r.readUe();
    int depthChroma = 8 + r.readUe();
    if (depthLuma > 16 || depthChroma > 16) {
      throw H265.malformed(r.bytePosition(), "bit depth " + depthLuma + "/" + depthChroma);
    }
    return new H265Sps(profile, maxSubLayersMinus1 + 1, nesting, spsId, chroma, depthLuma,
        depthChroma, (int) width, (int) height);
  }

  /** The sub-layer part of profile_tier_level(1, maxNumSubLayersMinus1), skipped. */
  static void skipSubLayers(BitReader r, int maxSubLayersMinus1) {
    boolean[] profilePresent = new boolean[maxSubLayersMinus1];
    boolean[] levelPresent = new boolean[maxSubLayersMinus1];
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      profilePresent[i] = r.readBit();
      levelPresent[i] = r.readBit();
    }
    if (maxSubLayersMinus1 > 0) {
      r.skipBits(2L * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
    }
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      if (profilePresent[i]) {
        r.skipBits(88);
      }
      if (levelPresent[i]) {
        r.skipBits(8);
      }
    }
  }
}
