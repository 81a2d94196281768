package io.vidlog.media.nal;

/**
 * The general part of H.265 profile_tier_level() (ITU-T H.265 §7.3.3), shared by the SPS and the
 * HEVCDecoderConfigurationRecord.
 *
 * @param compatibilityFlags general_profile_compatibility_flag[0..31], flag 0 in the most significant bit
 * @param constraintFlags the 48 bits from general_progressive_source_flag to general_inbld_flag /
 *     reserved bit, first flag in bit 47
 */
public record HevcProfile(int profileSpace, boolean highTier, int profileIdc,
    long compatibilityFlags, long constraintFlags, int levelIdc) {

  static HevcProfile read(BitReader r) {
    int space = r.readInt(2);
    boolean tier = r.readBit();
    int idc = r.readInt(5);
    long compat = r.readBits(32);
    long constraints = r.readBits(48);
    int level = r.readInt(8);
    return new HevcProfile(space, tier, idc, compat, constraints, level);
  }

  void write(BitWriter w) {
    w.bits(profileSpace, 2).bit(highTier).bits(profileIdc, 5).bits(compatibilityFlags, 32)
        .bits(constraintFlags, 48).bits(levelIdc, 8);
  }

  /** ISO/IEC 14496-15 Annex E codec string, e.g. {@code hvc1.1.6.L93.B0}. */
  public String codecString(String fourcc) {
    return CodecStrings.hvc1(fourcc, this);
  }
}
