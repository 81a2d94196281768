package io.vidlog.playback.mkv;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The few EBML encodings GetMedia writes around stored bytes (RFC 8794 §4–§6): element IDs as
 * they appear on the wire, minimal-length size VINTs and the reserved "unknown size" VINT.
 */
public final class Ebml {
  /** Matroska element IDs (RFC 9559 §5.1), with their marker bits, as written on the wire. */
  public static final int TAGS = 0x1254C367;
  public static final int TAG = 0x7373;
  public static final int SIMPLE_TAG = 0x67C8;
  public static final int TAG_NAME = 0x45A3;
  public static final int TAG_STRING = 0x4487;
  public static final int CLUSTER = 0x1F43B675;
  public static final int TIMECODE = 0xE7;
  public static final int SIMPLE_BLOCK = 0xA3;
  public static final int EBML = 0x1A45DFA3;
  public static final int SEGMENT = 0x18538067;

  /** An 8-byte size VINT with all value bits set: "unknown size" (RFC 8794 §6.2). */
  private static final byte[] UNKNOWN_SIZE = {0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
      (byte) 0xFF, (byte) 0xFF};

  private Ebml() {}

  public static void writeId(Buffer out, int id) {
    if ((id & 0xFF000000) != 0) {
      out.appendInt(id);
    } else if ((id & 0xFF0000) != 0) {
      out.appendByte((byte) (id >>> 16)).appendShort((short) id);
    } else if ((id & 0xFF00) != 0) {
      out.appendShort((short) id);
    } else {
      out.appendByte((byte) id);
    }
  }

  /** Writes {@code size} as the shortest VINT that can hold it without colliding with "unknown". */
  public static void writeSize(Buffer out, long size) {
    if (size < 0 || size >= (1L << 56) - 1) {
      throw new IllegalArgumentException("EBML size out of range: " + size);
    }
    int len = 1;
    while (size >= (1L << (7 * len)) - 1) {
      len++;
    }
    long marked = size | (1L << (7 * len));
    for (int i = len - 1; i >= 0; i--) {
      out.appendByte((byte) (marked >>> (8 * i)));
    }
  }

  public static void writeUnknownSize(Buffer out) {
    out.appendBytes(UNKNOWN_SIZE);
  }

  /** A whole element: id, size, payload. */
  public static void writeElement(Buffer out, int id, Buffer payload) {
    writeId(out, id);
    writeSize(out, payload.length());
    out.appendBuffer(payload);
  }

  /** An unsigned integer element in the fewest bytes (at least one). */
  public static void writeUnsigned(Buffer out, int id, long value) {
    int len = 1;
    while (len < 8 && (value >>> (8 * len)) != 0) {
      len++;
    }
    writeId(out, id);
    writeSize(out, len);
    for (int i = len - 1; i >= 0; i--) {
      out.appendByte((byte) (value >>> (8 * i)));
    }
  }

  public static void writeString(Buffer out, int id, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    writeId(out, id);
    writeSize(out, bytes.length);
    out.appendBytes(bytes);
  }
}
