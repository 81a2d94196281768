package io.vidlog.fragmentstore.index;

import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The resident summary of a stream's sealed index segments (docs/architecture.md §Storage, "Time
 * index"): per segment, in number order, its first and last fragment numbers (which name its
 * object), how many entries it holds and a {@link SegmentSketch} of its timestamps, about 110 bytes
 * per segment, so about 0.1 byte per indexed fragment; persisted as the summary object (about 30
 * bytes per segment, {@link #encode}). The entries themselves stay in the store
 * until a query needs them.
 *
 * <p>An immutable view {@code [start, end)} of append-only columns: appending writes past every
 * existing view's end and retention moves {@code start}, so a query holding an older view keeps a
 * consistent picture while the stream goes on. Positions are absolute: {@code start <= i < end}.
 * Only the stream's writer appends, always to the newest view.
 */
final class SegmentList {
  private static final int MAGIC = 0x564C4953; // "VLIS"
  private static final byte VERSION = 2;
  private static final int STRIDE = 2 * SegmentSketch.MAX_INTERVALS;
  /** Bytes per segment held in memory (the columns below). */
  static final int ENTRY_BYTES = 2 * (4 + 8 + 1) + 4 + 8 + 8 + 1 + 8 * STRIDE;

  /** The append-only columns that views share. */
  private static final class Columns {
    final int[] firstHi;
    final long[] firstLo;
    final byte[] firstW;
    final int[] lastHi;
    final long[] lastLo;
    final byte[] lastW;
    final int[] count;
    final long[] serverMin;
    final long[] serverMax;
    final byte[] intervals;
    final long[] producer;
    /** Positions written so far; a view ending here may append in place. Guarded by the stream's writer. */
    int written;

    Columns(int capacity) {
      firstHi = new int[capacity];
      firstLo = new long[capacity];
      firstW = new byte[capacity];
      lastHi = new int[capacity];
      lastLo = new long[capacity];
      lastW = new byte[capacity];
      count = new int[capacity];
      serverMin = new long[capacity];
      serverMax = new long[capacity];
      intervals = new byte[capacity];
      producer = new long[capacity * STRIDE];
    }

    int capacity() {
      return count.length;
    }
  }

  static final SegmentList EMPTY = new SegmentList(new Columns(0), 0, 0);

  private final Columns c;
  private final int start;
  private final int end;

  private SegmentList(Columns c, int start, int end) {
    this.c = c;
    this.start = start;
    this.end = end;
  }

  int start() {
    return start;
  }

  int end() {
    return end;
  }

  int size() {
    return end - start;
  }

  boolean isEmpty() {
    return end == start;
  }

  NumberKey first(int i) {
    return new NumberKey(c.firstHi[i], c.firstLo[i], c.firstW[i]);
  }

  NumberKey last(int i) {
    return new NumberKey(c.lastHi[i], c.lastLo[i], c.lastW[i]);
  }

  /** The newest sealed number; null when there is no segment. */
  NumberKey lastNumber() {
    return isEmpty() ? null : last(end - 1);
  }

  int count(int i) {
    return c.count[i];
  }

  long serverMin(int i) {
    return c.serverMin[i];
  }

  long serverMax(int i) {
    return c.serverMax[i];
  }

  /** The segment's object key under {@code prefix}: {@code <first>-<last>} as they were written. */
  String objectKey(String prefix, int i) {
    return prefix + first(i).render().value() + "-" + last(i).render().value();
  }

  /**
   * Entries of segment {@code i} numbered at or below this bound are not its own: they are at or
   * below the retention {@code floor} (first segment) or held by the segment before (a segment
   * written again after a failed write that did land). Null: none.
   */
  NumberKey exclusiveLowerBound(int i, NumberKey floor) {
    return i == start ? floor : last(i - 1);
  }

  /** The first position whose last number is at least (hi, lo); {@link #end()} when none. */
  int firstEndingAtOrAfter(int hi, long lo) {
    int a = start;
    int b = end;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (NumberKey.compare(c.lastHi[m], c.lastLo[m], hi, lo) < 0) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  /** The first position whose last number is greater than (hi, lo); {@link #end()} when none. */
  int firstEndingAfter(int hi, long lo) {
    int a = start;
    int b = end;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (NumberKey.compare(c.lastHi[m], c.lastLo[m], hi, lo) <= 0) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  /** Whether segment {@code i} may hold an entry whose {@code kind} timestamp lies in [from, to]. */
  boolean mayHold(int i, TimestampKind kind, long from, long to) {
    if (c.count[i] == 0 || from > to) {
      return false;
    }
    if (kind == TimestampKind.SERVER) {
      return c.serverMin[i] <= to && c.serverMax[i] >= from;
    }
    int base = i * STRIDE;
    for (int k = 0; k < c.intervals[i]; k++) {
      if (c.producer[base + 2 * k] <= to && c.producer[base + 2 * k + 1] >= from) {
        return true;
      }
    }
    return false;
  }

  /** The lowest timestamp segment {@code i} may hold at or after {@code from}; call only when it may hold one. */
  long lowestFrom(int i, TimestampKind kind, long from) {
    if (kind == TimestampKind.SERVER) {
      return Math.max(from, c.serverMin[i]);
    }
    int base = i * STRIDE;
    for (int k = 0; k < c.intervals[i]; k++) {
      if (c.producer[base + 2 * k + 1] >= from) {
        return Math.max(from, c.producer[base + 2 * k]);
      }
    }
    return Long.MAX_VALUE;
  }

  /** The highest timestamp segment {@code i} may hold at or before {@code to}; call only when it may hold one. */
  long highestTo(int i, TimestampKind kind, long to) {
    if (kind == TimestampKind.SERVER) {
      return Math.min(to, c.serverMax[i]);
    }
    int base = i * STRIDE;
    for (int k = c.intervals[i] - 1; k >= 0; k--) {
      if (c.producer[base + 2 * k] <= to) {
        return Math.min(to, c.producer[base + 2 * k + 1]);
      }
    }
    return Long.MIN_VALUE;
  }

  /** This list with one more segment after the last. */
  SegmentList with(NumberKey first, NumberKey last, SegmentSketch sketch) {
    if (!isEmpty() && last.compareTo(last(end - 1)) <= 0) {
      throw new IllegalArgumentException("segment " + first + "-" + last + " does not extend the summary");
    }
    Columns into = c;
    int s = start;
    int e = end;
    if (c.written != end || end == c.capacity()) {
      // not the newest view, or full: copy the live part (dropping what retention removed)
      int n = size();
      into = new Columns(n + (n >> 1) + 8);
      copy(c, start, into, 0, n);
      s = 0;
      e = n;
    }
    into.firstHi[e] = first.hi();
    into.firstLo[e] = first.lo();
    into.firstW[e] = (byte) first.width();
    into.lastHi[e] = last.hi();
    into.lastLo[e] = last.lo();
    into.lastW[e] = (byte) last.width();
    into.count[e] = sketch.count();
    into.serverMin[e] = sketch.serverMin();
    into.serverMax[e] = sketch.serverMax();
    into.intervals[e] = (byte) (sketch.producer().length / 2);
    System.arraycopy(sketch.producer(), 0, into.producer, e * STRIDE, sketch.producer().length);
    into.written = e + 1;
    return new SegmentList(into, s, e + 1);
  }

  /** This list without its first {@code n} segments. */
  SegmentList dropFirst(int n) {
    if (n == 0) {
      return this;
    }
    if (n < 0 || n > size()) {
      throw new IllegalArgumentException("cannot drop " + n + " of " + size() + " segments");
    }
    return new SegmentList(c, start + n, end);
  }

  /** How many leading segments end at or below {@code floor}. */
  int countEndingAtOrBefore(NumberKey floor) {
    return floor == null ? 0 : firstEndingAfter(floor.hi(), floor.lo()) - start;
  }

  private static void copy(Columns from, int at, Columns to, int into, int n) {
    System.arraycopy(from.firstHi, at, to.firstHi, into, n);
    System.arraycopy(from.firstLo, at, to.firstLo, into, n);
    System.arraycopy(from.firstW, at, to.firstW, into, n);
    System.arraycopy(from.lastHi, at, to.lastHi, into, n);
    System.arraycopy(from.lastLo, at, to.lastLo, into, n);
    System.arraycopy(from.lastW, at, to.lastW, into, n);
    System.arraycopy(from.count, at, to.count, into, n);
    System.arraycopy(from.serverMin, at, to.serverMin, into, n);
    System.arraycopy(from.serverMax, at, to.serverMax, into, n);
    System.arraycopy(from.intervals, at, to.intervals, into, n);
    System.arraycopy(from.producer, at * STRIDE, to.producer, into * STRIDE, n * STRIDE);
  }

  /** The sketch of segment {@code i} as it was added. */
  SegmentSketch sketch(int i) {
    int k = c.intervals[i];
    return new SegmentSketch(c.count[i], c.serverMin[i], c.serverMax[i],
        Arrays.copyOfRange(c.producer, i * STRIDE, i * STRIDE + 2 * k));
  }

  /** Bytes this view keeps reachable (the shared columns, whole). */
  long retainedBytes() {
    return (long) c.capacity() * ENTRY_BYTES + 11 * 16 + 48;
  }

  // ------------------------------------------------------------------------------ persisted form

  /**
   * The summary object's body (before sealing): magic "VLIS", version 2, count, then per segment:
   * <pre>
   *   changes  byte: 1 the first number's width or hi part differ from the previous segment's last
   *            number's, 2 the last number's from the first's (each then written whole: width, hi, lo)
   *   first    else as a difference from the previous last number ({@link SegmentCodec#writeNumberDelta})
   *   last     else as a difference from the first
   *   count, then the server range and producer intervals as zigzag differences, each from the value before
   * </pre>
   * About 30 bytes per segment. It only caches what the segments say: a summary that is lost,
   * unreadable or of another version is rebuilt from the segments.
   */
  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + size() * 24);
    out.write(ByteBuffer.allocate(5).putInt(MAGIC).put(VERSION).array(), 0, 5);
    SegmentCodec.writeVarLong(out, size());
    long prevServer = 0;
    int prevW = 0;
    int prevHi = 0;
    long prevLo = 0;
    for (int i = start; i < end; i++) {
      boolean firstWhole = c.firstW[i] != prevW || c.firstHi[i] != prevHi;
      boolean lastWhole = c.lastW[i] != c.firstW[i] || c.lastHi[i] != c.firstHi[i];
      out.write((firstWhole ? 1 : 0) | (lastWhole ? 2 : 0));
      if (firstWhole) {
        writeWhole(out, c.firstW[i], c.firstHi[i], c.firstLo[i]);
      } else {
        SegmentCodec.writeNumberDelta(out, c.firstLo[i] - prevLo);
      }
      if (lastWhole) {
        writeWhole(out, c.lastW[i], c.lastHi[i], c.lastLo[i]);
      } else {
        SegmentCodec.writeNumberDelta(out, c.lastLo[i] - c.firstLo[i]);
      }
      prevW = c.lastW[i];
      prevHi = c.lastHi[i];
      prevLo = c.lastLo[i];
      SegmentCodec.writeVarLong(out, c.count[i]);
      SegmentCodec.writeVarLong(out, SegmentCodec.zigzag(c.serverMin[i] - prevServer));
      SegmentCodec.writeVarLong(out, SegmentCodec.zigzag(c.serverMax[i] - c.serverMin[i]));
      prevServer = c.serverMin[i];
      out.write(c.intervals[i]);
      long p = c.serverMin[i];
      for (int k = 0; k < 2 * c.intervals[i]; k++) {
        long v = c.producer[i * STRIDE + k];
        SegmentCodec.writeVarLong(out, SegmentCodec.zigzag(v - p));
        p = v;
      }
    }
    return out.toByteArray();
  }

  private static void writeWhole(ByteArrayOutputStream out, int w, int hi, long lo) {
    out.write(w);
    SegmentCodec.writeVarLong(out, hi);
    SegmentCodec.writeVarLong(out, lo);
  }

  /** Decodes a summary object's body straight into columns of its size (a stream's first use reads one). */
  static SegmentList decode(byte[] body) {
    ByteBuffer b = ByteBuffer.wrap(body);
    try {
      if (body.length < 6 || b.getInt() != MAGIC || b.get() != VERSION) {
        throw new IllegalArgumentException("not an index summary");
      }
      long count = SegmentCodec.readVarLong(b);
      if (count < 0 || count > b.remaining() / 6) {
        throw new IllegalArgumentException("index summary count " + count + " does not fit its bytes");
      }
      int n = (int) count;
      Columns c = new Columns(n);
      long prev = 0;
      NumberKey prevLast = new NumberKey(0, 0, 0);
      for (int i = 0; i < n; i++) {
        int changes = b.get();
        if ((changes & ~3) != 0) {
          throw new IllegalArgumentException("index summary entry " + i + " has unknown change bits " + changes);
        }
        NumberKey first = (changes & 1) != 0 ? number(b)
            : new NumberKey(prevLast.hi(), prevLast.lo() + SegmentCodec.readNumberDelta(b), prevLast.width());
        NumberKey last = (changes & 2) != 0 ? number(b)
            : new NumberKey(first.hi(), first.lo() + SegmentCodec.readNumberDelta(b), first.width());
        if (first.lo() < 0 || first.lo() >= NumberKey.LO_MOD || last.lo() < 0 || last.lo() >= NumberKey.LO_MOD
            || first.width() < 1) {
          throw new IllegalArgumentException("index summary entry " + i + " holds a bad fragment number");
        }
        prevLast = last;
        long entries = SegmentCodec.readVarLong(b);
        long serverMin = prev + SegmentCodec.unzigzag(SegmentCodec.readVarLong(b));
        long serverMax = serverMin + SegmentCodec.unzigzag(SegmentCodec.readVarLong(b));
        prev = serverMin;
        int k = b.get();
        if (k < 0 || k > SegmentSketch.MAX_INTERVALS || entries < 0 || entries > Integer.MAX_VALUE
            || first.compareTo(last) > 0
            || (i > 0 && NumberKey.compare(last.hi(), last.lo(), c.lastHi[i - 1], c.lastLo[i - 1]) <= 0)) {
          throw new IllegalArgumentException("index summary entry " + i + " is out of range");
        }
        c.firstHi[i] = first.hi();
        c.firstLo[i] = first.lo();
        c.firstW[i] = (byte) first.width();
        c.lastHi[i] = last.hi();
        c.lastLo[i] = last.lo();
        c.lastW[i] = (byte) last.width();
        c.count[i] = (int) entries;
        c.serverMin[i] = serverMin;
        c.serverMax[i] = serverMax;
        c.intervals[i] = (byte) k;
        long p = serverMin;
        for (int j = 0; j < 2 * k; j++) {
          p += SegmentCodec.unzigzag(SegmentCodec.readVarLong(b));
          c.producer[i * STRIDE + j] = p;
        }
      }
      if (b.hasRemaining()) {
        throw new IllegalArgumentException("index summary has " + b.remaining() + " bytes after its entries");
      }
      c.written = n;
      return new SegmentList(c, 0, n);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("index summary is truncated", e);
    }
  }

  private static NumberKey number(ByteBuffer b) {
    int w = b.get();
    long hi = SegmentCodec.readVarLong(b);
    long lo = SegmentCodec.readVarLong(b);
    if (w < 1 || hi < 0 || hi > Integer.MAX_VALUE || lo < 0 || lo >= NumberKey.LO_MOD) {
      throw new IllegalArgumentException("index summary holds a bad fragment number");
    }
    return new NumberKey((int) hi, lo, w);
  }
}
