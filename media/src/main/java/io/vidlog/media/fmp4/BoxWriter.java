package io.vidlog.media.fmp4;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Big-endian writer of ISO BMFF boxes (ISO/IEC 14496-12 §4.2) into one growing array: {@link #start}
 * writes a box header with a size to be patched, {@link #end} patches it. Boxes nest by calling
 * start/end in order. Only for the small header boxes (ftyp, moov, moof); sample data never passes
 * through here.
 */
final class BoxWriter {
  private byte[] b;
  private int pos;

  BoxWriter(int initialCapacity) {
    b = new byte[Math.max(16, initialCapacity)];
  }

  int position() {
    return pos;
  }

  private void ensure(int n) {
    if (pos + n > b.length) {
      b = Arrays.copyOf(b, Math.max(b.length * 2, pos + n));
    }
  }

  /** Starts a box: 32-bit size (patched by {@link #end}) and type. Returns the box start. */
  int start(String type) {
    int at = pos;
    u32(0);
    fourcc(type);
    return at;
  }

  /** Starts a full box (§4.2.2): header, version and 24-bit flags. */
  int startFull(String type, int version, int flags) {
    int at = start(type);
    u32((version & 0xFF) << 24 | (flags & 0xFFFFFF));
    return at;
  }

  /** Ends the box started at {@code at}: its size is everything written since. */
  void end(int at) {
    int size = pos - at;
    b[at] = (byte) (size >>> 24);
    b[at + 1] = (byte) (size >>> 16);
    b[at + 2] = (byte) (size >>> 8);
    b[at + 3] = (byte) size;
  }

  BoxWriter u8(int v) {
    ensure(1);
    b[pos++] = (byte) v;
    return this;
  }

  BoxWriter u16(int v) {
    ensure(2);
    b[pos++] = (byte) (v >>> 8);
    b[pos++] = (byte) v;
    return this;
  }

  BoxWriter u24(int v) {
    ensure(3);
    b[pos++] = (byte) (v >>> 16);
    b[pos++] = (byte) (v >>> 8);
    b[pos++] = (byte) v;
    return this;
  }

  BoxWriter u32(long v) {
    ensure(4);
    b[pos++] = (byte) (v >>> 24);
    b[pos++] = (byte) (v >>> 16);
    b[pos++] = (byte) (v >>> 8);
    b[pos++] = (byte) v;
    return this;
  }

  BoxWriter u64(long v) {
    u32(v >>> 32);
    return u32(v & 0xFFFFFFFFL);
  }

  BoxWriter zeros(int n) {
    ensure(n);
    Arrays.fill(b, pos, pos + n, (byte) 0);
    pos += n;
    return this;
  }

  BoxWriter bytes(byte[] v) {
    ensure(v.length);
    System.arraycopy(v, 0, b, pos, v.length);
    pos += v.length;
    return this;
  }

  BoxWriter fourcc(String type) {
    byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
    if (t.length != 4) {
      throw new IllegalArgumentException("box type '" + type + "' is not four characters");
    }
    return bytes(t);
  }

  /** A 32-bit value at an earlier position (a trun data_offset known only once moof is complete). */
  void patchU32(int at, long v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  /** What was written, as an array of exactly that length. */
  byte[] toByteArray() {
    return Arrays.copyOf(b, pos);
  }

  /** What was written, as a view of the internal array (no copy); the writer must not be used after. */
  ByteBuffer view() {
    return ByteBuffer.wrap(b, 0, pos).slice();
  }
}
