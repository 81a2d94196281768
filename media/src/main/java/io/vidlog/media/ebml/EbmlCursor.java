package io.vidlog.media.ebml;

import static io.vidlog.media.MediaFormatException.Format.EBML;

import io.vidlog.media.MediaFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over one buffered element's bytes (Media3's {@code ParsableByteArray} style): reads ids,
 * sizes and typed values (RFC 8794 §7) and throws an EBML {@link MediaFormatException} with the absolute offset
 * instead of reading past the end or wrapping.
 */
public final class EbmlCursor {
  private final ByteBuffer buf;
  private final long baseOffset;
  private int pos;

  /**
   * @param buf the bytes, read from its position to its limit (not modified)
   * @param baseOffset absolute input offset of {@code buf}'s position
   */
  public EbmlCursor(ByteBuffer buf, long baseOffset) {
    this.buf = buf;
    this.baseOffset = baseOffset - buf.position();
    this.pos = buf.position();
  }

  public int position() {
    return pos;
  }

  public void position(int p) {
    if (p < buf.position() || p > buf.limit()) {
      throw EBML.malformed(baseOffset + p, "position beyond the element");
    }
    pos = p;
  }

  public int limit() {
    return buf.limit();
  }

  public boolean hasRemaining(int end) {
    return pos < end;
  }

  /** Absolute input offset of the cursor. */
  public long offset() {
    return baseOffset + pos;
  }

  private void need(int n, String what) {
    if (n > buf.limit() - pos) {
      throw EBML.malformed(offset(), what + " needs " + n + " bytes but only " + (buf.limit() - pos)
          + " remain in the element");
    }
  }

  /** An element id with its marker bits (1–4 bytes). */
  public int readId() {
    need(1, "element id");
    int first = buf.get(pos) & 0xFF;
    if (first == 0) {
      throw EBML.malformed(offset(), "element id starts with 0x00");
    }
    int len = Integer.numberOfLeadingZeros(first) - 23;
    if (len > 4) {
      throw EBML.malformed(offset(), "element id of " + len + " bytes exceeds EBMLMaxIDLength 4");
    }
    need(len, "element id");
    int v = 0;
    for (int i = 0; i < len; i++) {
      v = (v << 8) | (buf.get(pos + i) & 0xFF);
    }
    pos += len;
    return v;
  }

  /** An element data size (1–8 bytes); -1 for unknown size. */
  public long readSize() {
    need(1, "element size");
    int first = buf.get(pos) & 0xFF;
    if (first == 0) {
      throw EBML.malformed(offset(), "element size starts with 0x00 (longer than 8 bytes)");
    }
    int len = Integer.numberOfLeadingZeros(first) - 23;
    need(len, "element size");
    long v = first & (0xFF >>> len);
    for (int i = 1; i < len; i++) {
      v = (v << 8) | (buf.get(pos + i) & 0xFF);
    }
    pos += len;
    return v == (1L << (7 * len)) - 1 ? -1 : v;
  }

  /** An unsigned integer of {@code len} (0–8) bytes; values above Long.MAX_VALUE are refused. */
  public long readUnsigned(int len, String name) {
    if (len > 8) {
      throw EBML.malformed(offset(), name + " is an unsigned integer of " + len + " bytes (max 8)");
    }
    need(len, name);
    long start = offset();
    long v = 0;
    for (int i = 0; i < len; i++) {
      v = (v << 8) | (buf.get(pos + i) & 0xFF);
    }
    pos += len;
    if (v < 0) {
      throw EBML.unsupported(start, name + " " + Long.toUnsignedString(v) + " exceeds 2^63-1");
    }
    return v;
  }

  /** An unsigned integer that must fit an int. */
  public int readUnsignedInt(int len, String name) {
    long start = offset();
    long v = readUnsigned(len, name);
    if (v > Integer.MAX_VALUE) {
      throw EBML.unsupported(start, name + " " + v + " exceeds 2^31-1");
    }
    return (int) v;
  }

  /** Raw 8 bytes (or fewer) as a long, for UIDs where the full unsigned range is legal. */
  public long readBits(int len, String name) {
    if (len > 8) {
      throw EBML.malformed(offset(), name + " of " + len + " bytes (max 8)");
    }
    need(len, name);
    long v = 0;
    for (int i = 0; i < len; i++) {
      v = (v << 8) | (buf.get(pos + i) & 0xFF);
    }
    pos += len;
    return v;
  }

  /** A float of 0, 4 or 8 bytes (RFC 8794 §7.3). */
  public double readFloat(int len, String name) {
    need(len, name);
    double v;
    switch (len) {
      case 0 -> v = 0;
      case 4 -> v = Float.intBitsToFloat(buf.getInt(pos));
      case 8 -> v = Double.longBitsToDouble(buf.getLong(pos));
      default -> throw EBML.malformed(offset(), name + " is a float of " + len + " bytes (0, 4 or 8)");
    }
    pos += len;
    return v;
  }

  /** A String or UTF-8 element; trailing 0x00 padding is dropped (RFC 8794 §7.4). */
  public String readString(int len, String name) {
    byte[] b = readBytes(len, name);
    int n = b.length;
    while (n > 0 && b[n - 1] == 0) {
      n--;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  public byte[] readBytes(int len, String name) {
    need(len, name);
    byte[] b = new byte[len];
    buf.get(pos, b);
    pos += len;
    return b;
  }
}
