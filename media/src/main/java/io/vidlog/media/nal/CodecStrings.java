package io.vidlog.media.nal;

/**
 * RFC 6381 {@code codecs} parameter values as HLS (RFC 8216 §4.4.6.2 CODECS) and MSE expect them:
 * {@code avc1.PPCCLL} (ISO/IEC 14496-15 Annex E.2 / RFC 6381 §3.3), {@code hvc1.…} (Annex E.3) and
 * {@code mp4a.40.AOT} (RFC 6381 §3.3).
 */
public final class CodecStrings {
  private CodecStrings() {}

  /** {@code avc1.} + hex of profile_idc, the constraint-flag byte and level_idc, lower case. */
  public static String avc1(int profileIdc, int constraintFlags, int levelIdc) {
    return String.format("avc1.%02x%02x%02x", profileIdc & 0xFF, constraintFlags & 0xFF,
        levelIdc & 0xFF);
  }

  /**
   * ISO/IEC 14496-15 Annex E.3: {@code <fourcc>.[A|B|C]<profile_idc>.<compatibility flags in
   * reverse bit order, hex>.<L|H><level_idc>} followed by the six constraint bytes in hex, each after
   * a dot, with trailing zero bytes omitted.
   */
  public static String hvc1(String fourcc, HevcProfile p) {
    StringBuilder s = new StringBuilder(fourcc).append('.');
    if (p.profileSpace() > 0) {
      s.append((char) ('A' + p.profileSpace() - 1));
    }
    s.append(p.profileIdc()).append('.');
    s.append(Integer.toHexString(Integer.reverse((int) p.compatibilityFlags())).toUpperCase());
    s.append('.').append(p.highTier() ? 'H' : 'L').append(p.levelIdc());
    int last = -1;
    for (int i = 0; i < 6; i++) {
      if ((p.constraintFlags() >>> (40 - 8 * i) & 0xFF) != 0) {
        last = i;
      }
    }
    for (int i = 0; i <= last; i++) {
      s.append('.').append(Long.toHexString(p.constraintFlags() >>> (40 - 8 * i) & 0xFF).toUpperCase());
    }
    return s.toString();
  }

  /** {@code mp4a.40.<audioObjectType>} (MPEG-4 audio, ISO/IEC 14496-3 object type). */
  public static String mp4a(int audioObjectType) {
    return "mp4a.40." + audioObjectType;
  }
}
