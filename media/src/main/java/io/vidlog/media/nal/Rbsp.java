package io.vidlog.media.nal;

import java.io.ByteArrayOutputStream;

/**
 * Emulation prevention (H.264 §7.4.1, H.265 §7.4.2): inside a NAL unit the encoder inserts
 * {@code 0x03} after every {@code 00 00} that is followed by a byte ≤ 3. Parameter-set parsing
 * needs the raw byte sequence payload (RBSP) without them; frames are never touched.
 */
public final class Rbsp {
  private Rbsp() {}

  /** The RBSP of {@code nal[offset, offset+length)}: every {@code 00 00 03} becomes {@code 00 00}. */
  public static byte[] unescape(byte[] nal, int offset, int length) {
    byte[] out = new byte[length];
    int n = 0;
    int zeros = 0;
    for (int i = offset; i < offset + length; i++) {
      int b = nal[i] & 0xFF;
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      zeros = b == 0 ? zeros + 1 : 0;
      out[n++] = (byte) b;
    }
    return n == length ? out : java.util.Arrays.copyOf(out, n);
  }

  public static byte[] unescape(byte[] nal) {
    return unescape(nal, 0, nal.length);
  }

  /** Inserts emulation-prevention bytes, the inverse of {@link #unescape}. */
  public static byte[] escape(byte[] rbsp) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(rbsp.length + 8);
    int zeros = 0;
    for (byte x : rbsp) {
      int b = x & 0xFF;
      if (zeros >= 2 && b <= 3) {
        out.write(3);
        zeros = 0;
      }
      out.write(b);
      zeros = b == 0 ? zeros + 1 : 0;
    }
    return out.toByteArray();
  }
}
