package io.vidlog.media.nal;

import io.vidlog.media.MediaFormatException.Format;
import java.util.ArrayList;
import java.util.List;

/** Bounds-checked big-endian reader over a small record; overruns are MALFORMED with the offset. */
final class ByteCursor {
  private final Format format;
  private final byte[] b;
  private final String what;
  private int pos;

  ByteCursor(Format format, byte[] b, String what) {
    this.format = format;
    this.b = b;
    this.what = what;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return b.length - pos;
  }

  private void need(int n) {
    if (b.length - pos < n) {
      throw format.malformed(pos, what + " truncated: need " + n + " bytes, "
          + (b.length - pos) + " left");
    }
  }

  int u8() {
    need(1);
    return b[pos++] & 0xFF;
  }

  int u16() {
    need(2);
    int v = (b[pos] & 0xFF) << 8 | (b[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  long bits(int bytes) {
    need(bytes);
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | (b[pos++] & 0xFF);
    }
    return v;
  }

  byte[] bytes(int n) {
    need(n);
    byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
    pos += n;
    return out;
  }

  /** {@code count} NAL units, each preceded by a 16-bit length. */
  List<byte[]> nals(int count) {
    List<byte[]> out = new ArrayList<>(Math.min(count, 32));
    for (int i = 0; i < count; i++) {
      int at = pos;
      int len = u16();
      if (len == 0) {
        throw format.malformed(at, what + ": empty parameter set");
      }
      out.add(bytes(len));
    }
    return out;
  }
}
