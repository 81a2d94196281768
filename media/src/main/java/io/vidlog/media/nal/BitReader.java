package io.vidlog.media.nal;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.MediaFormatException.Format;

/**
 * MSB-first bit cursor over a byte range, with the Exp-Golomb codes of ITU-T H.264 §9.1 / H.265
 * §9.2. Reading past the end throws a MALFORMED {@link MediaFormatException} of the format being
 * read, naming the byte offset,
 * never wraps or returns garbage. It reads raw bits: run parameter sets through
 * {@link Rbsp#unescape} first so emulation-prevention bytes are not taken for syntax.
 */
public final class BitReader {
  private final Format format;
  private final byte[] data;
  private final int start;
  private final int end;
  private long bitPos;

  /** {@code format}: whose syntax is read, named by the errors. */
  public BitReader(Format format, byte[] data) {
    this(format, data, 0, data.length);
  }

  public BitReader(Format format, byte[] data, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > data.length) {
      throw new IndexOutOfBoundsException("range " + offset + "+" + length + " of " + data.length);
    }
    this.format = format;
    this.data = data;
    this.start = offset;
    this.end = offset + length;
    this.bitPos = (long) offset * 8;
  }

  /** Bits not yet read. */
  public long bitsLeft() {
    return (long) end * 8 - bitPos;
  }

  /** Current position in bytes from the start of the range (rounded down). */
  public int bytePosition() {
    return (int) (bitPos / 8) - start;
  }

  public boolean byteAligned() {
    return bitPos % 8 == 0;
  }

  public boolean readBit() {
    need(1);
    int b = data[(int) (bitPos >>> 3)] >> (7 - (int) (bitPos & 7)) & 1;
    bitPos++;
    return b != 0;
  }

  /** Reads {@code n} (0..32) bits as an unsigned value in a long. */
  public long readBits(int n) {
    if (n < 0 || n > 64) {
      throw new IllegalArgumentException("bit count " + n);
    }
    need(n);
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 1) | (data[(int) (bitPos >>> 3)] >> (7 - (int) (bitPos & 7)) & 1);
      bitPos++;
    }
    return v;
  }

  /** Reads {@code n} (0..31) bits as an int. */
  public int readInt(int n) {
    if (n > 31) {
      throw new IllegalArgumentException("bit count " + n + " does not fit an int");
    }
    return (int) readBits(n);
  }

  public void skipBits(long n) {
    need(n);
    bitPos += n;
  }

  /** ue(v): unsigned Exp-Golomb; values beyond 2^31-2 are refused as malformed. */
  public int readUe() {
    int at = bytePosition();
    int zeros = 0;
    while (!readBit()) {
      if (++zeros > 31) {
        throw format.malformed(at, "Exp-Golomb code with more than 31 leading zero bits");
      }
    }
    long v = (1L << zeros) - 1 + readBits(zeros);
    if (v > Integer.MAX_VALUE - 1) {
      throw format.malformed(at, "Exp-Golomb value " + v + " out of range");
    }
    return (int) v;
  }

  /** se(v): signed Exp-Golomb (H.264 §9.1.1 mapping k → (-1)^(k+1) ceil(k/2)). */
  public int readSe() {
    int k = readUe();
    return (k & 1) != 0 ? (k + 1) / 2 : -(k / 2);
  }

  private void need(long n) {
    if (n > bitsLeft()) {
      throw format.malformed(bytePosition(),
          "need " + n + " bits but only " + bitsLeft() + " remain");
    }
  }
}
