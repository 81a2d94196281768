package io.vidlog.media.nal;

import static io.vidlog.media.MediaFormatException.Format.H264;

import io.vidlog.media.MediaFormatException.Format;

/**
 * The fields of an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1) that a container needs:
 * profile, constraint flags, level, chroma format, bit depths, the displayed size after frame
 * cropping, and the frame rate from VUI timing (§E.1.1) when present.
 *
 * @param constraintFlags the byte holding constraint_set0..5_flag and reserved_zero_2bits
 * @param frameRateNum time_scale, 0 when the VUI carries no timing
 * @param frameRateDen 2 × num_units_in_tick (one frame is two fields' ticks), 0 when absent
 */
public record H264Sps(int profileIdc, int constraintFlags, int levelIdc, int spsId,
    int chromaFormatIdc, int bitDepthLuma, int bitDepthChroma, boolean frameMbsOnly, int width,
    int height, long frameRateNum, long frameRateDen) {

  /** Frames per second from VUI timing, or NaN when absent. */
  public double frameRate() {
    return frameRateDen == 0 ? Double.NaN : (double) frameRateNum / frameRateDen;
  }

  /** Profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices (§7.3.2.1.1). */
  static boolean hasChromaInfo(int profileIdc) {
    return switch (profileIdc) {
      case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
      default -> false;
    };
  }

  /** Parses an SPS NAL unit, header byte included, emulation-prevention bytes still in. */
  public static H264Sps parse(byte[] nal) {
    if (nal.length < 4) {
      throw H264.malformed(0, "H.264 SPS of " + nal.length + " bytes");
    }
    int type = nal[0] & 0x1F;
    if (type != NalUnits.H264_SPS) {
      throw H264.malformed(0, "NAL unit type " + type + " is not an SPS (7)");
    }
    BitReader r = new BitReader(Format.H264, Rbsp.unescape(nal, 1, nal.length - 1));
    int profile = r.readInt(8);
    int constraints = r.readInt(8);
    int level = r.readInt(8);
    int spsId = r.readUe();
    if (spsId > 31) {
      throw H264.malformed(r.bytePosition(), "seq_parameter_set_id " + spsId);
    }
    int chroma = 1;
    boolean separateColourPlane = false;
    int depthLuma = 8;
    int depthChroma = 8;
    if (hasChromaInfo(profile)) {
      chroma = r.readUe();
      if (chroma > 3) {
        throw H264.malformed(r.bytePosition(), "chroma_format_idc " + chroma);
      }
      if (chroma == 3) {
        separateColourPlane = r.readBit();
      }
      depthLuma = 8 + r.readUe();
      depthChroma = 8 + r.readUe();
      if (depthLuma > 14 || depthChroma > 14) {
        throw H264.malformed(r.bytePosition(),
            "bit depth " + depthLuma + "/" + depthChroma);
      }
      r.skipBits(1); // qpprime_y_zero_transform_bypass_flag
      if (r.readBit()) { // seq_scaling_matrix_present_flag
        int lists = chroma != 3 ? 8 : 12;
        for (int i = 0; i < lists; i++) {
          if (r.readBit()) {
            skipScalingList(r, i < 6 ? 16 : 64);
          }
        }
      }
    }
    r.readUe(); // log2_max_frame_num_minus4
    int pocType = r.readUe();
    if (pocType == 0) {
      r.readUe(); // log2_max_pic_order_cnt_lsb_minus4
    } else if (pocType == 1) {
      r.skipBits(1); // delta_pic_order_always_zero_flag
      r.readSe();
      r.readSe();
      int cycle = r.readUe();
      if (cycle > 255) {
        throw H264.malformed(r.bytePosition(), "num_ref_frames_in_pic_order_cnt_cycle " + cycle);
      }
      for (int i = 0; i < cycle; i++) {
        r.readSe();
      }
    } else if (pocType != 2) {
      throw H264.malformed(r.bytePosition(), "pic_order_cnt_type " + pocType);
    }
    r.readUe(); // max_num_ref_frames
    r.skipBits(1); // gaps_in_frame_num_value_allowed_flag
    long widthMbs = r.readUe() + 1L;
    long heightMapUnits = r.readUe() + 1L;
    boolean frameMbsOnly = r.readBit();
    if (!frameMbsOnly) {
      r.skipBits(1); // mb_adaptive_frame_field_flag
    }
    r.skipBits(1); // direct_8x8_inference_flag
    long width = widthMbs * 16;
    long height = (2 - (frameMbsOnly ? 1 : 0)) * heightMapUnits * 16;
    if (r.readBit()) { // frame_cropping_flag, §7.4.2.1.1 (7-19..7-22)
      long left = r.readUe();
      long right = r.readUe();
      long top = r.readUe();
      long bottom = r.readUe();
      int chromaArrayType = separateColourPlane ? 0 : chroma;
      int cropX = chromaArrayType == 0 ? 1 : (chromaArrayType == 3 ? 1 : 2);
      int cropY = (chromaArrayType == 0 ? 1 : (chromaArrayType == 1 ? 2 : 1)) * (frameMbsOnly ? 1 : 2);
      width -= cropX * (left + right);
      height -= cropY * (top + bottom);
    }
    if (width <= 0 || height <= 0 || width > 65535 || height > 65535) {
      throw H264.malformed(r.bytePosition(), "picture size " + width + "x" + height);
    }
    long num = 0;
    long den = 0;
    if (r.bitsLeft() > 0 && r.readBit()) { // vui_parameters_present_flag
      long[] timing = vuiTiming(r);
      num = timing[0];
      den = timing[1];
    }
    return new H264Sps(profile, constraints, level, spsId, chroma, depthLuma, depthChroma,
        frameMbsOnly, (int) width, (int) height, num, den);
  }

  /** scaling_list() of §7.3.2.1.1.1: only the syntax is consumed, the values are not needed. */
  private static void skipScalingList(BitReader r, int size) {
    int last = 8;
    int next = 8;
    for (int j = 0; j < size; j++) {
      if (next != 0) {
        int delta = r.readSe();
        if (delta < -128 || delta > 127) {
          throw H264.malformed(r.bytePosition(), "delta_scale " + delta);
        }
        next = (last + delta + 256) % 256;
      }
      last = next == 0 ? last : next;
    }
  }

  /** VUI up to timing_info (§E.1.1): {time_scale, 2 × num_units_in_tick}, or zeros. */
  private static long[] vuiTiming(BitReader r) {
    if (r.readBit()) { // aspect_ratio_info_present_flag
      if (r.readInt(8) == 255) { // Extended_SAR
        r.skipBits(32);
      }
    }
    if (r.readBit()) { // overscan_info_present_flag
      r.skipBits(1);
    }
    if (r.readBit()) { // video_signal_type_present_flag
      r.skipBits(4);
      if (r.readBit()) { // colour_description_present_flag
        r.skipBits(24);
      }
    }
    if (r.readBit()) { // chroma_loc_info_present_flag
      r.readUe();
      r.readUe();
    }
    if (r.readBit()) { // timing_info_present_flag
      long units = r.readBits(32);
      long scale = r.readBits(32);
      if (units > 0 && scale > 0) {
        return new long[] {scale, 2 * units};
      }
    }
    return new long[] {0, 0};
  }
}
