package io.vidlog.media.nal;

import java.io.ByteArrayOutputStream;

/** MSB-first bit writer, the inverse of {@link BitReader}, for building small configuration records. */
public final class BitWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private int current;
  private int bits;

  /** Writes the low {@code n} (0..64) bits of {@code value}, most significant first. */
  public BitWriter bits(long value, int n) {
    for (int i = n - 1; i >= 0; i--) {
      current = (current << 1) | (int) (value >>> i & 1);
      if (++bits == 8) {
        out.write(current);
        current = 0;
        bits = 0;
      }
    }
    return this;
  }

  public BitWriter bit(boolean b) {
    return bits(b ? 1 : 0, 1);
  }

  /** ue(v) Exp-Golomb. */
  public BitWriter ue(int value) {
    long v = (long) value + 1;
    int len = 64 - Long.numberOfLeadingZeros(v);
    bits(0, len - 1);
    return bits(v, len);
  }

  /** se(v) Exp-Golomb. */
  public BitWriter se(int value) {
    return ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  public BitWriter bytes(byte[] b) {
    for (byte x : b) {
      bits(x & 0xFF, 8);
    }
    return this;
  }

  public boolean byteAligned() {
    return bits == 0;
  }

  /** The bytes written, the last one padded with zero bits. */
  public byte[] toByteArray() {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.writeBytes(out.toByteArray());
    if (bits > 0) {
      copy.write(current << (8 - bits));
    }
    return copy.toByteArray();
  }
}
