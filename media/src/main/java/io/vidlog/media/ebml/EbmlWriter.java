package io.vidlog.media.ebml;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Small functions from values to EBML bytes (RFC 8794; Media3's {@code EbmlUtils} style). Each
 * returns the whole element (id, size, data). {@link #MINIMAL} writes the shortest sizes;
 * {@link #FIXED_8} writes every size on 8 bytes, as the KVS producer libraries do (docs/wire-protocol.md §1.1).
 */
public final class EbmlWriter {
  /** Shortest size encodings. */
  public static final EbmlWriter MINIMAL = new EbmlWriter(0);
  /** 8-byte sizes everywhere. */
  public static final EbmlWriter FIXED_8 = new EbmlWriter(8);

  /** An 8-byte unknown size (RFC 8794 §6.2): {@code 01 FF FF FF FF FF FF FF}. */
  private static final byte[] UNKNOWN_SIZE = {0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
      (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

  /** Largest size an 8-byte vint can carry (all-ones is reserved for unknown). */
  public static final long MAX_SIZE = (1L << 56) - 2;

  private final int sizeLength;

  private EbmlWriter(int sizeLength) {
    this.sizeLength = sizeLength;
  }

  /** The id's bytes (the id carries its own length marker). */
  public static byte[] id(int id) {
    int len = idLength(id);
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (id >>> (8 * (len - 1 - i)));
    }
    return b;
  }

  public static int idLength(int id) {
    if ((id & 0xFF000000) != 0) {
      return 4;
    }
    if ((id & 0xFF0000) != 0) {
      return 3;
    }
    return (id & 0xFF00) != 0 ? 2 : 1;
  }

  /** Bytes of the shortest vint that holds {@code value} without being all ones. */
  public static int vintLength(long value) {
    int len = 1;
    while (len < 8 && value >= (1L << (7 * len)) - 1) {
      len++;
    }
    return len;
  }

  /** {@code value} as a vint of exactly {@code length} bytes (1–8). */
  public static byte[] vint(long value, int length) {
    if (length < 1 || length > 8 || value < 0 || value >= (1L << (7 * length)) - 1) {
      throw new IllegalArgumentException("cannot encode " + value + " as a " + length + "-byte vint");
    }
    byte[] b = new byte[length];
    long v = value | (1L << (7 * length));
    for (int i = length - 1; i >= 0; i--) {
      b[i] = (byte) v;
      v >>>= 8;
    }
    return b;
  }

  /** The size vint this writer uses for {@code size}. */
  public byte[] size(long size) {
    return vint(size, sizeLength == 0 ? vintLength(size) : Math.max(sizeLength, vintLength(size)));
  }

  /** An element header: id then size (-1 writes the 8-byte unknown size). */
  public byte[] header(int id, long size) {
    byte[] idb = id(id);
    byte[] sb = size < 0 ? UNKNOWN_SIZE : size(size);
    byte[] b = new byte[idb.length + sb.length];
    System.arraycopy(idb, 0, b, 0, idb.length);
    System.arraycopy(sb, 0, b, idb.length, sb.length);
    return b;
  }

  public byte[] binary(int id, byte[] data) {
    byte[] h = header(id, data.length);
    byte[] b = new byte[h.length + data.length];
    System.arraycopy(h, 0, b, 0, h.length);
    System.arraycopy(data, 0, b, h.length, data.length);
    return b;
  }

  /** An unsigned integer in the fewest bytes (RFC 8794 §7.2; zero is one byte). */
  public byte[] uint(int id, long value) {
    int len = 1;
    while (len < 8 && (value >>> (8 * len)) != 0) {
      len++;
    }
    return uint(id, value, len);
  }

  /** An unsigned integer in exactly {@code length} bytes (KVS writes the Cluster Timecode on 8). */
  public byte[] uint(int id, long value, int length) {
    if (length < 8 && (value >>> (8 * length)) != 0) {
      throw new IllegalArgumentException(value + " does not fit " + length + " bytes");
    }
    byte[] d = new byte[length];
    for (int i = length - 1; i >= 0; i--) {
      d[i] = (byte) value;
      value >>>= 8;
    }
    return binary(id, d);
  }

  /** An 8-byte float. */
  public byte[] float64(int id, double value) {
    long bits = Double.doubleToLongBits(value);
    byte[] d = new byte[8];
    for (int i = 7; i >= 0; i--) {
      d[i] = (byte) bits;
      bits >>>= 8;
    }
    return binary(id, d);
  }

  /** A String/UTF-8 element. */
  public byte[] string(int id, String value) {
    return binary(id, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A master element of known size holding the given children, in order. */
  public byte[] master(int id, List<byte[]> children) {
    return binary(id, concat(children));
  }

  public byte[] master(int id, byte[]... children) {
    return master(id, List.of(children));
  }

  public static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    return concat(List.of(parts));
  }
}
