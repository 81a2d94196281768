package io.vidlog.media.mp4;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A box held in memory (ISO/IEC 14496-12 §4.2): its four-character type, its payload as a view and
 * the absolute input offset of the box start, for error messages.
 */
record Box(String type, ByteBuffer payload, long offset, int headerSize) {

  /** Absolute input offset of the payload start. */
  long payloadOffset() {
    return offset + headerSize;
  }

  /** The child boxes in {@code payload} after {@code skip} bytes, every size checked to fit. */
  List<Box> children(int skip) {
    return parse(payload, skip, payloadOffset());
  }

  List<Box> children() {
    return children(0);
  }

  /** The first child of a type, or null. */
  Box child(String childType) {
    for (Box b : children()) {
      if (b.type.equals(childType)) {
        return b;
      }
    }
    return null;
  }

  /** Follows a path of child types; null when any step is missing. */
  Box path(String... types) {
    Box b = this;
    for (String t : types) {
      b = b.child(t);
      if (b == null) {
        return null;
      }
    }
    return b;
  }

  Cursor cursor() {
    return new Cursor(payload, payloadOffset());
  }

  /** Boxes laid end to end in {@code buf} from {@code skip}; {@code base} is buf's input offset. */
  static List<Box> parse(ByteBuffer buf, int skip, long base) {
    List<Box> out = new ArrayList<>();
    int pos = buf.position() + skip;
    int end = buf.limit();
    if (pos > end) {
      throw MP4.malformed(base, "box payload shorter than its fixed fields (" + skip + ")");
    }
    while (pos < end) {
      long at = base + pos - buf.position();
      if (end - pos < 8) {
        throw MP4.malformed(at, (end - pos) + " stray bytes where a box header was expected");
      }
      long size = buf.getInt(pos) & 0xFFFFFFFFL;
      String type = fourcc(buf.getInt(pos + 4));
      int header = 8;
      if (size == 1) {
        if (end - pos < 16) {
          throw MP4.malformed(at, "truncated largesize of '" + type + "'");
        }
        size = buf.getLong(pos + 8);
        header = 16;
      } else if (size == 0) {
        size = end - pos; // extends to the end of its container (§4.2)
      }
      if (size < header || size > end - pos) {
        throw MP4.malformed(at, "box '" + type + "' size " + size + " does not fit in the "
            + (end - pos) + " bytes left in its container");
      }
      out.add(new Box(type, buf.slice(pos + header, (int) size - header), at, header));
      pos += (int) size;
    }
    return out;
  }

  static String fourcc(int v) {
    char[] c = new char[4];
    for (int i = 0; i < 4; i++) {
      int b = v >>> (24 - 8 * i) & 0xFF;
      c[i] = b >= 0x20 && b < 0x7F ? (char) b : '?';
    }
    return new String(c);
  }

  /** Bounds-checked big-endian field reader over a payload; overruns are MALFORMED. */
  static final class Cursor {
    private final ByteBuffer b;
    private final long base;
    private int pos;

    Cursor(ByteBuffer b, long base) {
      this.b = b;
      this.base = base;
      this.pos = b.position();
    }

    long offset() {
      return base + pos - b.position();
    }

    int remaining() {
      return b.limit() - pos;
    }

    private void need(int n) {
      if (remaining() < n) {
        throw MP4.malformed(offset(), "box truncated: need " + n + " bytes, "
            + remaining() + " left");
      }
    }

    int u8() {
      need(1);
      return b.get(pos++) & 0xFF;
    }

    int u16() {
      need(2);
      int v = b.getShort(pos) & 0xFFFF;
      pos += 2;
      return v;
    }

    long u32() {
      need(4);
      long v = b.getInt(pos) & 0xFFFFFFFFL;
      pos += 4;
      return v;
    }

    int s32() {
      need(4);
      int v = b.getInt(pos);
      pos += 4;
      return v;
    }

    long u64() {
      need(8);
      long v = b.getLong(pos);
      pos += 8;
      if (v < 0) {
        throw MP4.unsupported(offset() - 8, "64-bit value " + Long.toUnsignedString(v));
      }
      return v;
    }

    long u64Signed() {
      need(8);
      long v = b.getLong(pos);
      pos += 8;
      return v;
    }

    /** version 1 → 64 bits, else 32. */
    long uVar(int version) {
      return version == 1 ? u64() : u32();
    }

    void skip(int n) {
      need(n);
      pos += n;
    }

    /**
     * An entry count, checked so that {@code count × entryBytes} fits in what is left and does not
     * exceed {@code limit}, before any table is allocated.
     */
    int count(int entryBytes, int limit, String what) {
      long at = offset();
      long n = u32();
      if (n > limit) {
        throw MP4.unsupported(at, what + " count " + n + " over the limit " + limit);
      }
      if (n * entryBytes > remaining()) {
        throw MP4.malformed(at, what + " count " + n + " needs " + n * entryBytes
            + " bytes, " + remaining() + " left");
      }
      return (int) n;
    }
  }
}
