package io.vidlog.producer.testing;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * H.264 frames for tests without an encoder: Annex-B access units whose parameter sets are real (the
 * SPS and PPS of a 320×180 Baseline encode by libx264, media's codec fixture
 * {@code avc-baseline-320x180.annexb}) and whose slices carry a readable label instead of coded
 * pictures. A key frame is SPS + PPS + IDR slice, a delta frame one non-IDR slice. The service does not
 * decode frames, so these go through vidlog like camera frames, and {@link #label} finds a frame's
 * label again in what is read back.
 */
public final class SyntheticH264 {
  /** SPS (type 7) and PPS (type 8) with their 4-byte start codes. */
  public static final byte[] PARAMETER_SETS = HexFormat.of().parseHex(
      "000000016742c00cd901419f9f0110000003001000000303" + "20f142a480" + "0000000168cb83cb20");
  public static final int WIDTH = 320;
  public static final int HEIGHT = 180;
  /** The SPS and PPS of a 640×360 Main-profile encode (media's fixture {@code avc-main-640x360.annexb}). */
  public static final byte[] PARAMETER_SETS_640X360 = HexFormat.of().parseHex(
      "00000001674d401eeca05017fcb80880000003008000001e078b16cb" + "0000000168ebe3cb20");

  private SyntheticH264() {}

  /** An access unit labelled {@code label} (printable ASCII), padded with 0x55 to about {@code size} bytes. */
  public static byte[] frame(boolean key, String label, int size) {
    return frame(key ? PARAMETER_SETS : null, label, size);
  }

  /** A key frame with these parameter sets (null: a delta frame). */
  public static byte[] frame(byte[] parameterSets, String label, int size) {
    boolean key = parameterSets != null;
    byte[] text = ("#@" + label + "@#").getBytes(StandardCharsets.US_ASCII);
    int slice = Math.max(text.length + 1, size - (key ? parameterSets.length + 4 : 4));
    byte[] out = new byte[(key ? parameterSets.length : 0) + 4 + slice];
    int p = 0;
    if (key) {
      System.arraycopy(parameterSets, 0, out, 0, parameterSets.length);
      p = parameterSets.length;
    }
    out[p + 3] = 1;
    out[p + 4] = (byte) (key ? 0x65 : 0x41); // nal_ref_idc 3, type 5 (IDR) / nal_ref_idc 2, type 1
    System.arraycopy(text, 0, out, p + 5, text.length);
    for (int i = p + 5 + text.length; i < out.length; i++) {
      out[i] = 0x55; // never 0: no start code can appear inside the slice
    }
    return out;
  }

  /** The label inside a frame as stored (AVCC) or sent (Annex-B), or null. */
  public static String label(byte[] frame) {
    String s = new String(frame, StandardCharsets.ISO_8859_1);
    int a = s.indexOf("#@");
    int b = s.indexOf("@#", a + 2);
    return a < 0 || b < 0 ? null : s.substring(a + 2, b);
  }
}
