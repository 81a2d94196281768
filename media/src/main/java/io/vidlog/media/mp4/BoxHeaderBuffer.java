package io.vidlog.media.mp4;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import io.vidlog.media.MediaFormatException;
import java.nio.ByteBuffer;

/**
 * Gathers one box header from pushed input, across any split of the bytes: the 32-bit size and
 * four-character type, then the 64-bit largesize when the size is 1 (ISO/IEC 14496-12 §4.2).
 * Shared by the push parsers of this package, which each decide what a box means.
 */
final class BoxHeaderBuffer {
  /**
   * A whole box header.
   *
   * @param start input offset of the header's first byte
   * @param type the four-character type as a big-endian int
   * @param size the box's full size with the largesize resolved; 0 means "to the end of the input"
   * @param length header length, 8 or 16
   */
  record Header(long start, int type, long size, int length) {
    String fourcc() {
      return Box.fourcc(type);
    }
  }

  private final byte[] bytes = new byte[16];
  private int fill;

  /** True while a header is partly read (input that ends now ends inside it). */
  boolean partial() {
    return fill > 0;
  }

  /**
   * Takes header bytes from {@code in}, advancing it, and returns the header once whole (then starts
   * over for the next one), or null when {@code in} ran out first.
   *
   * @param offset input offset of {@code in}'s position when called
   * @throws MediaFormatException UNSUPPORTED for a largesize beyond 2^63 - 1, MALFORMED for a size smaller
   *     than the header
   */
  Header take(ByteBuffer in, long offset) {
    int need = fill < 8 ? 8 : 16;
    int n = Math.min(need - fill, in.remaining());
    in.get(bytes, fill, n);
    fill += n;
    if (fill < 8) {
      return null;
    }
    ByteBuffer h = ByteBuffer.wrap(bytes);
    long size = h.getInt(0) & 0xFFFFFFFFL;
    if (size == 1 && fill < 16) {
      return null; // the largesize follows
    }
    int length = fill;
    long start = offset + n - length;
    int type = h.getInt(4);
    fill = 0;
    if (size == 1) {
      size = h.getLong(8);
      if (size < 0) {
        throw MP4.unsupported(start, "box '" + Box.fourcc(type) + "' size " + Long.toUnsignedString(size));
      }
    }
    if (size != 0 && size < length) {
      throw MP4.malformed(start, "box '" + Box.fourcc(type) + "' size " + size + " smaller than its header");
    }
    return new Header(start, type, size, length);
  }
}
