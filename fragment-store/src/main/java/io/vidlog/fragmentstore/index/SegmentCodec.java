package io.vidlog.fragmentstore.index;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * The body of an index segment object (before sealing). Version 2, written now, stores each entry
 * as differences from the entry before it in variable-length integers, about 11 bytes per fragment
 * instead of version 1's fixed 42, so a store retaining a billion fragments keeps its index in
 * about 11 GB:
 * <pre>
 * magic "VLIX", version 2, count (varint), then per entry:
 *   changes   byte: 1 width, 2 hi part, 4 tracks, 8 flags differ from the previous entry (each then follows)
 *   [width byte] [hi: zigzag varint of the difference]
 *   number    the low 18 digits' difference d as zigzag varint floor(d / 10^9), varint d mod 10^9
 *             (a minted number's low digits are server milliseconds × 10^9 plus node and sequence)
 *   server    zigzag varint of the difference
 *   producer  zigzag varint of the difference of (producer - server): a camera's clock keeps its offset
 *   duration  zigzag varint of the difference
 *   size      varint
 *   [tracks varint] [flags byte]
 * </pre>
 * Differences wrap in 64 bits, so every long round-trips exactly. Version 1 segments (fixed-width
 * entries) are still read.
 */
final class SegmentCodec {
  static final int MAGIC = 0x564C4958; // "VLIX"
  static final byte V1 = 1;
  static final byte V2 = 2;
  private static final int V1_ENTRY_BYTES = 4 + 8 + 1 + 8 + 8 + 4 + 4 + 4 + 1;
  /** The shortest version 2 entry: one byte for the changes and for each of the six fields. */
  private static final int V2_MIN_ENTRY_BYTES = 7;
  private static final long E9 = 1_000_000_000L;

  private SegmentCodec() {}

  /** Encodes entries [from, to) of {@code index} as a version 2 body. */
  static byte[] encode(StreamIndex index, int from, int to) {
    Writer w = new Writer(to - from);
    index.forEach(from, to, w::entry);
    return w.bytes();
  }

  /**
   * Decodes a body into a new index, keeping the entries numbered after {@code after} (null: all):
   * entries at or below the retention floor, or already held by the segment before.
   */
  static StreamIndex decode(String streamId, byte[] body, NumberKey after) {
    ByteBuffer b = ByteBuffer.wrap(body);
    if (body.length < 6 || b.getInt() != MAGIC) {
      throw new IllegalArgumentException("not an index segment");
    }
    byte version = b.get();
    try {
      return switch (version) {
        case V1 -> decodeV1(streamId, b, after);
        case V2 -> decodeV2(streamId, b, after);
        default -> throw new IllegalArgumentException("index segment version " + version + " is not supported");
      };
    } catch (java.nio.BufferUnderflowException | ArithmeticException e) {
      throw new IllegalArgumentException("index segment is truncated or out of range", e);
    }
  }

  private static StreamIndex decodeV1(String streamId, ByteBuffer b, NumberKey after) {
    if (b.remaining() < 4) {
      throw new IllegalArgumentException("index segment too short");
    }
    int n = b.getInt();
    if (n < 0 || (long) n * V1_ENTRY_BYTES != b.remaining()) {
      throw new IllegalArgumentException("index segment length does not match its count " + n);
    }
    Builder out = new Builder(streamId, n, after);
    for (int i = 0; i < n; i++) {
      int hi = b.getInt();
      long lo = b.getLong();
      int w = b.get();
      out.add(hi, lo, w, b.getLong(), b.getLong(), b.getInt(), b.getInt(), b.getInt(), b.get());
    }
    return out.done();
  }

  private static StreamIndex decodeV2(String streamId, ByteBuffer b, NumberKey after) {
    long count = readVarLong(b);
    if (count < 0 || count > b.remaining() / V2_MIN_ENTRY_BYTES) {
      throw new IllegalArgumentException("index segment count " + count + " does not fit its " + b.remaining()
          + " bytes");
    }
    int n = (int) count;
    Builder out = new Builder(streamId, n, after);
    int w = 0;
    int hi = 0;
    long lo = 0;
    long server = 0;
    long offset = 0;
    long duration = 0;
    long tracks = 0;
    int flags = 0;
    for (int i = 0; i < n; i++) {
      int changes = b.get() & 0xFF;
      if ((changes & ~0x0F) != 0) {
        throw new IllegalArgumentException("index segment entry " + i + " has unknown change bits " + changes);
      }
      if ((changes & 1) != 0) {
        w = b.get();
      }
      if ((changes & 2) != 0) {
        hi = Math.toIntExact(hi + unzigzag(readVarLong(b)));
      }
      lo = lo + readNumberDelta(b);
      server += unzigzag(readVarLong(b));
      offset += unzigzag(readVarLong(b));
      duration += unzigzag(readVarLong(b));
      long size = readVarLong(b);
      if ((changes & 4) != 0) {
        tracks = readVarLong(b);
      }
      if ((changes & 8) != 0) {
        flags = b.get();
      }
      if (duration < 0 || duration > Integer.MAX_VALUE || size < 0 || size > Integer.MAX_VALUE || tracks < 0
          || tracks > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("index segment entry " + i + ": duration, size or tracks out of range");
      }
      out.add(hi, lo, w, server, server + offset, (int) duration, (int) size, (int) tracks, flags);
    }
    if (b.hasRemaining()) {
      throw new IllegalArgumentException("index segment has " + b.remaining() + " bytes after its entries");
    }
    return out.done();
  }

  /** Collects decoded entries, checking that numbers are valid and strictly increasing. */
  private static final class Builder {
    private final StreamIndex index;
    private final NumberKey after;
    private int prevHi = -1;
    private long prevLo = -1;

    Builder(String streamId, int n, NumberKey after) {
      this.index = new StreamIndex(streamId, n);
      this.after = after;
      index.beginBulk();
    }

    void add(int hi, long lo, int w, long server, long producer, int duration, int size, int tracks, int flags) {
      if (hi < 0 || lo < 0 || lo >= NumberKey.LO_MOD || w < 1 || w > 127 || duration < 0 || size < 0) {
        throw new IllegalArgumentException("index segment entry out of range: number " + hi + "/" + lo + " width " + w);
      }
      if (prevLo >= 0 && NumberKey.compare(hi, lo, prevHi, prevLo) <= 0) {
        throw new IllegalArgumentException("index segment numbers are not increasing");
      }
      prevHi = hi;
      prevLo = lo;
      if (after == null || NumberKey.compare(hi, lo, after.hi(), after.lo()) > 0) {
        index.appendDecoded(hi, lo, w, server, producer, duration, size, tracks, flags);
      }
    }

    StreamIndex done() {
      index.endBulk();
      return index;
    }
  }

  /** Encodes entries one after another. */
  private static final class Writer {
    private final ByteArrayOutputStream out;
    private int w;
    private int hi;
    private long lo;
    private long server;
    private long offset;
    private long duration;
    private long tracks;
    private int flags;

    Writer(int count) {
      out = new ByteArrayOutputStream(16 + count * 12);
      ByteBuffer head = ByteBuffer.allocate(5).putInt(MAGIC).put(V2);
      out.write(head.array(), 0, 5);
      writeVarLong(count);
    }

    void entry(int eHi, long eLo, int eWidth, long eServer, long eProducer, int eDuration, int eSize, int eTracks,
        int eFlags) {
      long t = eTracks & 0xFFFFFFFFL;
      int changes = (eWidth != w ? 1 : 0) | (eHi != hi ? 2 : 0) | (t != tracks ? 4 : 0) | (eFlags != flags ? 8 : 0);
      out.write(changes);
      if ((changes & 1) != 0) {
        out.write(eWidth);
      }
      if ((changes & 2) != 0) {
        writeVarLong(zigzag((long) eHi - hi));
      }
      writeNumberDelta(out, eLo - lo);
      writeVarLong(zigzag(eServer - server));
      long eOffset = eProducer - eServer;
      writeVarLong(zigzag(eOffset - offset));
      writeVarLong(zigzag(eDuration - duration));
      writeVarLong(eSize);
      if ((changes & 4) != 0) {
        writeVarLong(t);
      }
      if ((changes & 8) != 0) {
        out.write(eFlags);
      }
      w = eWidth;
      hi = eHi;
      lo = eLo;
      server = eServer;
      offset = eOffset;
      duration = eDuration;
      tracks = t;
      flags = eFlags;
    }

    private void writeVarLong(long v) {
      SegmentCodec.writeVarLong(out, v);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  /**
   * A difference of the low 18 digits of two fragment numbers as zigzag varint {@code floor(d / 10^9)}
   * and varint {@code d mod 10^9}: a minted number's low digits are server milliseconds × 10^9 plus
   * node and sequence, so consecutive numbers differ by a few bytes' worth.
   */
  static void writeNumberDelta(ByteArrayOutputStream out, long d) {
    writeVarLong(out, zigzag(Math.floorDiv(d, E9)));
    writeVarLong(out, Math.floorMod(d, E9));
  }

  static long readNumberDelta(ByteBuffer b) {
    long q = unzigzag(readVarLong(b));
    long r = readVarLong(b);
    if (r < 0 || r >= E9 || q > NumberKey.LO_MOD / E9 || q < -NumberKey.LO_MOD / E9) {
      throw new IllegalArgumentException("bad fragment number difference");
    }
    return q * E9 + r;
  }

  static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  /** An unsigned LEB128 value of at most 64 bits. */
  static long readVarLong(ByteBuffer b) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte x = b.get();
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        if (shift == 63 && (x & 0x7E) != 0) {
          break;
        }
        return v;
      }
    }
    throw new IllegalArgumentException("varint longer than 64 bits");
  }

  static void writeVarLong(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
