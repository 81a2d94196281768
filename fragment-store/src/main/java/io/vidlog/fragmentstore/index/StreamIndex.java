package io.vidlog.fragmentstore.index;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex.Page;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Index entries in memory (a stream's tail, or one sealed segment loaded from the store), as columns
 * of primitives appended in fragment-number order (about 46 bytes per fragment, plus growth slack): lookups by number and by server timestamp are binary
 * searches (server timestamps grow with numbers), lookups by producer timestamp go through a sorted
 * permutation of positions ordered by (producer timestamp, position), because producer timestamps
 * need not be monotonic (offline uploads, clock jumps, replays). The permutation is kept as a big
 * sorted run plus a small sorted tail run that is merged in when it grows past 1/32 of the index,
 * so in-order appends cost O(1), out-of-order ones O(tail), and queries O(log n + k).
 *
 * <p>Thread-safe: every method holds the index's monitor for microseconds (no I/O inside).
 */
public final class StreamIndex {
  private static final Logger LOG = LoggerFactory.getLogger(StreamIndex.class);
  private static final int FLAG_METADATA = 1;
  /** Bytes per entry in memory: the columns plus one position in the producer order. */
  static final int ENTRY_BYTES = 4 + 8 + 1 + 8 + 8 + 4 + 4 + 4 + 1 + 4;

  private final String streamId;
  private int size;
  private int[] numHi = new int[16];
  private long[] numLo = new long[16];
  private byte[] width = new byte[16];
  private long[] server = new long[16];
  private long[] producer = new long[16];
  private int[] duration = new int[16];
  private int[] sizeBytes = new int[16];
  private int[] tracks = new int[16];
  private byte[] flags = new byte[16];
  // Producer-timestamp order: main run + small tail run, both sorted by (producer, position).
  private int[] main = new int[16];
  private int mainCount;
  private int[] tail = new int[16];
  private int tailCount;
  private boolean bulk;
  private boolean warnedServerOrder;

  public StreamIndex(String streamId) {
    this.streamId = streamId;
  }

  /** An empty index with room for {@code capacity} entries (a sealed segment, whose size is known). */
  StreamIndex(String streamId, int capacity) {
    this.streamId = streamId;
    grow(Math.max(1, capacity));
    main = new int[Math.max(1, capacity)];
  }

  public String streamId() {
    return streamId;
  }

  public synchronized int size() {
    return size;
  }

  /** The result of an append. */
  public enum Appended { APPENDED, DUPLICATE }

  /**
   * Appends a fragment; its number must be greater than the last one's. Appending a record the
   * index already holds, the last or an older one, is a no-op ({@link Appended#DUPLICATE}), so a
   * rebuild racing ingest's appends is harmless: ingest commits several chunks at once and appends
   * their records in order afterwards, and a rebuild meanwhile reads every committed chunk.
   */
  public synchronized Appended append(FragmentRecord r) {
    NumberKey k = NumberKey.of(r.number());
    if (r.durationMillis() < 0 || r.durationMillis() > Integer.MAX_VALUE || r.sizeBytes() < 0
        || r.sizeBytes() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("fragment " + r.number() + ": duration or size out of range");
    }
    if (size > 0) {
      int c = NumberKey.compare(k.hi(), k.lo(), numHi[size - 1], numLo[size - 1]);
      if (c == 0 ? record(size - 1).equals(r) : c < 0 && r.equals(get(r.number()))) {
        return Appended.DUPLICATE;
      }
      if (c <= 0) {
        throw new IllegalArgumentException("fragment " + r.number() + " is not after the index's latest "
            + record(size - 1).number() + " in stream " + streamId);
      }
    }
    appendRaw(k.hi(), k.lo(), k.width(), r.serverTimestampMillis(), r.producerTimestampMillis(),
        (int) r.durationMillis(), (int) r.sizeBytes(), r.trackMask(), r.hasMetadata() ? FLAG_METADATA : 0);
    return Appended.APPENDED;
  }

  private void appendRaw(int hi, long lo, int w, long serverTs, long producerTs, int dur, int bytes, int trackMask,
      int flag) {
    if (size == numLo.length) {
      grow(size + (size >> 1) + 16);
    }
    if (size > 0 && serverTs < server[size - 1] && !warnedServerOrder) {
      warnedServerOrder = true;
      LOG.warn("stream {}: server timestamp went back ({} < {}); server-time lookups assume it does not",
          streamId, serverTs, server[size - 1]);
    }
    int p = size++;
    numHi[p] = hi;
    numLo[p] = lo;
    width[p] = (byte) w;
    server[p] = serverTs;
    producer[p] = producerTs;
    duration[p] = dur;
    sizeBytes[p] = bytes;
    tracks[p] = trackMask;
    flags[p] = (byte) flag;
    if (!bulk) {
      addToProducerOrder(p);
    }
  }

  private void grow(int cap) {
    numHi = Arrays.copyOf(numHi, cap);
    numLo = Arrays.copyOf(numLo, cap);
    width = Arrays.copyOf(width, cap);
    server = Arrays.copyOf(server, cap);
    producer = Arrays.copyOf(producer, cap);
    duration = Arrays.copyOf(duration, cap);
    sizeBytes = Arrays.copyOf(sizeBytes, cap);
    tracks = Arrays.copyOf(tracks, cap);
    flags = Arrays.copyOf(flags, cap);
  }

  private int order(int a, int b) {
    int c = Long.compare(producer[a], producer[b]);
    return c != 0 ? c : Integer.compare(a, b);
  }

  private void addToProducerOrder(int p) {
    if (mainCount == 0 || order(main[mainCount - 1], p) < 0) {
      if (mainCount == main.length) {
        main = Arrays.copyOf(main, mainCount + (mainCount >> 1) + 16);
      }
      main[mainCount++] = p; // in producer order: the common case
      return;
    }
    if (tailCount == tail.length) {
      tail = Arrays.copyOf(tail, tailCount * 2);
    }
    int at = lowerBoundKey(tail, tailCount, producer[p], p);
    System.arraycopy(tail, at, tail, at + 1, tailCount - at);
    tail[at] = p;
    tailCount++;
    if (tailCount > Math.max(1024, size >> 5)) {
      int[] merged = new int[mainCount + tailCount + (mainCount >> 3) + 16];
      IntSort.merge(main, 0, mainCount, tail, 0, tailCount, merged, 0, this::order);
      main = merged;
      mainCount += tailCount;
      tailCount = 0;
      if (tail.length > 4096) {
        tail = new int[16];
      }
    }
  }

  /** Starts a bulk load: the producer order is built once by {@link #endBulk()}. */
  synchronized void beginBulk() {
    bulk = true;
  }

  synchronized void endBulk() {
    bulk = false;
    main = new int[size + (size >> 3) + 16];
    for (int i = 0; i < size; i++) {
      main[i] = i;
    }
    mainCount = size;
    tailCount = 0;
    IntSort.sort(main, mainCount, this::order);
  }

  // ------------------------------------------------------------------------------ lookups

  public synchronized FragmentRecord get(FragmentNumber number) {
    NumberKey k = NumberKey.of(number);
    int p = firstAfterOrAt(k.hi(), k.lo());
    return p < size && numHi[p] == k.hi() && numLo[p] == k.lo() ? record(p) : null;
  }

  public synchronized FragmentRecord next(FragmentNumber after) {
    int p = after == null ? 0 : firstAfter(NumberKey.of(after));
    return p < size ? record(p) : null;
  }

  public synchronized FragmentRecord earliest() {
    return size == 0 ? null : record(0);
  }

  public synchronized FragmentRecord latest() {
    return size == 0 ? null : record(size - 1);
  }

  /** See {@link TimeIndex#locate}. */
  public synchronized FragmentRecord locate(TimestampKind kind, long millis) {
    if (size == 0) {
      return null;
    }
    if (kind == TimestampKind.SERVER) {
      int p = upperBound(server, millis) - 1;
      if (p >= 0 && server[p] + duration[p] > millis) {
        return record(p);
      }
      return p + 1 < size ? record(p + 1) : null;
    }
    // The latest start at or before millis; among equal starts the earliest-ingested.
    int m = upperBoundTs(main, mainCount, millis) - 1;
    int t = upperBoundTs(tail, tailCount, millis) - 1;
    long best = Long.MIN_VALUE;
    if (m >= 0) {
      best = producer[main[m]];
    }
    if (t >= 0) {
      best = Math.max(best, producer[tail[t]]);
    }
    if (m >= 0 || t >= 0) {
      int c = firstOfTs(best);
      if (producer[c] + duration[c] > millis) {
        return record(c);
      }
    }
    int mi = m + 1 < mainCount ? main[m + 1] : -1;
    int ti = t + 1 < tailCount ? tail[t + 1] : -1;
    int p = mi < 0 ? ti : ti < 0 ? mi : order(mi, ti) <= 0 ? mi : ti;
    return p < 0 ? null : record(p);
  }

  private int firstOfTs(long ts) {
    int a = lowerBoundTs(main, mainCount, ts);
    int b = lowerBoundTs(tail, tailCount, ts);
    int pa = a < mainCount && producer[main[a]] == ts ? main[a] : Integer.MAX_VALUE;
    int pb = b < tailCount && producer[tail[b]] == ts ? tail[b] : Integer.MAX_VALUE;
    return Math.min(pa, pb);
  }

  /**
   * Fragments whose start lies in [from, to], in (timestamp, number) order, at most {@code max},
   * strictly after the cursor in {@code token}. The token names the last returned fragment, so
   * paging across concurrent appends neither repeats nor skips.
   */
  public synchronized Page range(TimestampKind kind, long from, long to, int max, PageToken token) {
    List<FragmentRecord> out = new ArrayList<>(Math.min(max, 1024));
    int last = -1;
    boolean more;
    if (kind == TimestampKind.SERVER) {
      int start = lowerBound(server, from);
      if (token != null) {
        start = Math.max(start, firstAfter(token.hi(), token.lo()));
      }
      int end = upperBound(server, to);
      int stop = Math.min(end, start + max);
      for (int p = start; p < stop; p++) {
        out.add(record(p));
        last = p;
      }
      more = stop < end;
    } else {
      int g = token == null ? -1 : firstAfter(token.hi(), token.lo());
      long cts = token == null ? 0 : token.timestamp();
      int i = token == null || token.timestamp() < from ? lowerBoundTs(main, mainCount, from)
          : lowerBoundKey(main, mainCount, cts, g);
      int j = token == null || token.timestamp() < from ? lowerBoundTs(tail, tailCount, from)
          : lowerBoundKey(tail, tailCount, cts, g);
      int iEnd = upperBoundTs(main, mainCount, to);
      int jEnd = upperBoundTs(tail, tailCount, to);
      while (out.size() < max && (i < iEnd || j < jEnd)) {
        int p = j >= jEnd || (i < iEnd && order(main[i], tail[j]) <= 0) ? main[i++] : tail[j++];
        out.add(record(p));
        last = p;
      }
      more = i < iEnd || j < jEnd;
    }
    String next = more && last >= 0
        ? new PageToken(kind, kind == TimestampKind.PRODUCER ? producer[last] : server[last], numHi[last], numLo[last])
            .encode()
        : null;
    return new Page(java.util.Collections.unmodifiableList(out), next);
  }

  /** Removes the fragments whose server timestamp is before {@code cutoff} (a prefix); returns them. */
  public synchronized List<FragmentRecord> expireBefore(long cutoff) {
    int k = lowerBound(server, cutoff);
    return removePrefix(k);
  }

  /** Removes every fragment up to and including {@code number}; returns them. */
  synchronized List<FragmentRecord> expireThrough(FragmentNumber number) {
    return removePrefix(firstAfter(NumberKey.of(number)));
  }

  private List<FragmentRecord> removePrefix(int k) {
    if (k <= 0) {
      return List.of();
    }
    List<FragmentRecord> gone = new ArrayList<>(k);
    for (int p = 0; p < k; p++) {
      gone.add(record(p));
    }
    int n = size - k;
    System.arraycopy(numHi, k, numHi, 0, n);
    System.arraycopy(numLo, k, numLo, 0, n);
    System.arraycopy(width, k, width, 0, n);
    System.arraycopy(server, k, server, 0, n);
    System.arraycopy(producer, k, producer, 0, n);
    System.arraycopy(duration, k, duration, 0, n);
    System.arraycopy(sizeBytes, k, sizeBytes, 0, n);
    System.arraycopy(tracks, k, tracks, 0, n);
    System.arraycopy(flags, k, flags, 0, n);
    size = n;
    mainCount = dropPositions(main, mainCount, k);
    tailCount = dropPositions(tail, tailCount, k);
    if (numLo.length > 64 && size < numLo.length / 4) {
      grow(size + (size >> 1) + 16);
    }
    return gone;
  }

  /** Drops positions below k from a sorted run and shifts the rest down; order is preserved. */
  private static int dropPositions(int[] run, int count, int k) {
    int w = 0;
    for (int i = 0; i < count; i++) {
      if (run[i] >= k) {
        run[w++] = run[i] - k;
      }
    }
    return w;
  }

  // ------------------------------------------------------------------------------ segments

  /** Appends a decoded segment entry (bulk loads; numbers are checked by the codec). */
  void appendDecoded(int hi, long lo, int w, long serverTs, long producerTs, int dur, int bytes, int trackMask,
      int flag) {
    appendRaw(hi, lo, w, serverTs, producerTs, dur, bytes, trackMask, flag);
  }

  /** Passes entries [from, to) to {@code sink} in number order (segment encoding). */
  synchronized void forEach(int from, int to, EntrySink sink) {
    for (int p = from; p < to; p++) {
      sink.accept(numHi[p], numLo[p], width[p], server[p], producer[p], duration[p], sizeBytes[p], tracks[p], flags[p]);
    }
  }

  /** Receives one entry's columns. */
  interface EntrySink {
    void accept(int hi, long lo, int width, long server, long producer, int duration, int sizeBytes, int tracks,
        int flags);
  }

  /**
   * A new index holding entries [from, to) of this one (a segment to write, the tail after it). The
   * producer order is carried over, not sorted again: dropping positions keeps a sorted run sorted.
   */
  synchronized StreamIndex copy(int from, int to) {
    int n = to - from;
    StreamIndex c = new StreamIndex(streamId, n);
    System.arraycopy(numHi, from, c.numHi, 0, n);
    System.arraycopy(numLo, from, c.numLo, 0, n);
    System.arraycopy(width, from, c.width, 0, n);
    System.arraycopy(server, from, c.server, 0, n);
    System.arraycopy(producer, from, c.producer, 0, n);
    System.arraycopy(duration, from, c.duration, 0, n);
    System.arraycopy(sizeBytes, from, c.sizeBytes, 0, n);
    System.arraycopy(tracks, from, c.tracks, 0, n);
    System.arraycopy(flags, from, c.flags, 0, n);
    c.size = n;
    c.warnedServerOrder = warnedServerOrder;
    if (bulk) {
      c.endBulk();
      return c;
    }
    // main and tail runs merged into one sorted run of the copied positions
    c.main = new int[Math.max(1, n)];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < mainCount || j < tailCount) {
      int p = j >= tailCount || (i < mainCount && order(main[i], tail[j]) <= 0) ? main[i++] : tail[j++];
      if (p >= from && p < to) {
        c.main[k++] = p - from;
      }
    }
    c.mainCount = k;
    return c;
  }

  /** A new index holding the entries numbered after {@code k} (null: all). */
  synchronized StreamIndex copyAfter(NumberKey k) {
    return copy(k == null ? 0 : firstAfter(k), size);
  }

  /** The key of entry {@code p}. */
  synchronized NumberKey keyAt(int p) {
    return new NumberKey(numHi[p], numLo[p], width[p]);
  }

  /**
   * What the resident summary keeps of this index: its count, the range of its server timestamps
   * and its producer timestamps as at most {@code maxIntervals} intervals that cover them all (the
   * largest gaps between sorted timestamps are left out, so an offline upload or a replay inside a
   * segment does not make its interval span everything in between).
   */
  synchronized SegmentSketch sketch(int maxIntervals) {
    if (size == 0) {
      return SegmentSketch.EMPTY;
    }
    long sMin = Long.MAX_VALUE;
    long sMax = Long.MIN_VALUE;
    for (int p = 0; p < size; p++) {
      sMin = Math.min(sMin, server[p]);
      sMax = Math.max(sMax, server[p]);
    }
    long[] sorted = new long[size];
    int n = 0;
    int i = 0;
    int j = 0;
    while (i < mainCount || j < tailCount) {
      int p = j >= tailCount || (i < mainCount && order(main[i], tail[j]) <= 0) ? main[i++] : tail[j++];
      sorted[n++] = producer[p];
    }
    return new SegmentSketch(size, sMin, sMax, SegmentSketch.cover(sorted, maxIntervals));
  }

  /**
   * The entry with the latest start at or before {@code millis}: by server time the one with the
   * highest number among equal starts, by producer time the earliest-ingested (what {@link #locate}
   * looks at first); null when none.
   */
  synchronized FragmentRecord latestStartAtOrBefore(TimestampKind kind, long millis) {
    int p = floorPosition(kind, millis);
    return p < 0 ? null : record(p);
  }

  /** The first entry in (timestamp, number) order that starts after {@code millis}; null when none. */
  synchronized FragmentRecord firstStartAfter(TimestampKind kind, long millis) {
    if (kind == TimestampKind.SERVER) {
      int p = upperBound(server, millis);
      return p < size ? record(p) : null;
    }
    int m = upperBoundTs(main, mainCount, millis);
    int t = upperBoundTs(tail, tailCount, millis);
    int mi = m < mainCount ? main[m] : -1;
    int ti = t < tailCount ? tail[t] : -1;
    int p = mi < 0 ? ti : ti < 0 ? mi : order(mi, ti) <= 0 ? mi : ti;
    return p < 0 ? null : record(p);
  }

  private int floorPosition(TimestampKind kind, long millis) {
    if (size == 0) {
      return -1;
    }
    if (kind == TimestampKind.SERVER) {
      return upperBound(server, millis) - 1;
    }
    int m = upperBoundTs(main, mainCount, millis) - 1;
    int t = upperBoundTs(tail, tailCount, millis) - 1;
    if (m < 0 && t < 0) {
      return -1;
    }
    long best = Long.MIN_VALUE;
    if (m >= 0) {
      best = producer[main[m]];
    }
    if (t >= 0) {
      best = Math.max(best, producer[tail[t]]);
    }
    return firstOfTs(best);
  }

  /** How many entries have a number at most {@code k} (null: 0). */
  synchronized int countThrough(NumberKey k) {
    return k == null ? 0 : firstAfter(k);
  }

  /** How many entries have a server timestamp before {@code cutoff}. */
  synchronized int countBefore(long cutoff) {
    return lowerBound(server, cutoff);
  }

  synchronized FragmentNumber numberAt(int p) {
    return NumberKey.render(numHi[p], numLo[p], width[p]);
  }

  /** All records in number order (tests, rebuild comparison). */
  public synchronized List<FragmentRecord> records() {
    List<FragmentRecord> out = new ArrayList<>(size);
    for (int p = 0; p < size; p++) {
      out.add(record(p));
    }
    return out;
  }

  /** Records in producer-timestamp order as the index holds them (tests). */
  synchronized List<FragmentRecord> recordsByProducerTime() {
    List<FragmentRecord> out = new ArrayList<>(size);
    int i = 0;
    int j = 0;
    while (i < mainCount || j < tailCount) {
      int p = j >= tailCount || (i < mainCount && order(main[i], tail[j]) <= 0) ? main[i++] : tail[j++];
      out.add(record(p));
    }
    return out;
  }

  /** Bytes held by this index's arrays (array headers included), for the memory budget. */
  public synchronized long retainedBytes() {
    long n = numLo.length;
    long perEntry = ENTRY_BYTES - 4;
    return n * perEntry + 4L * main.length + 4L * tail.length + 11 * 16 + 64;
  }

  // ------------------------------------------------------------------------------ internals

  private FragmentRecord record(int p) {
    return new FragmentRecord(NumberKey.render(numHi[p], numLo[p], width[p]), server[p], producer[p], duration[p],
        sizeBytes[p], tracks[p], (flags[p] & FLAG_METADATA) != 0);
  }

  private int firstAfter(NumberKey k) {
    return firstAfter(k.hi(), k.lo());
  }

  /** First position whose number is greater than (hi, lo). */
  private int firstAfter(int hi, long lo) {
    int a = 0;
    int b = size;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (NumberKey.compare(numHi[m], numLo[m], hi, lo) <= 0) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  /** First position whose number is at least (hi, lo). */
  private int firstAfterOrAt(int hi, long lo) {
    int a = 0;
    int b = size;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (NumberKey.compare(numHi[m], numLo[m], hi, lo) < 0) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  /** First position with value >= v. */
  private int lowerBound(long[] col, long v) {
    int a = 0;
    int b = size;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (col[m] < v) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  /** First position with value > v. */
  private int upperBound(long[] col, long v) {
    int a = 0;
    int b = size;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (col[m] <= v) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  /** First run index whose producer timestamp is >= ts. */
  private int lowerBoundTs(int[] run, int count, long ts) {
    int a = 0;
    int b = count;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (producer[run[m]] < ts) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  /** First run index whose producer timestamp is > ts. */
  private int upperBoundTs(int[] run, int count, long ts) {
    int a = 0;
    int b = count;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (producer[run[m]] <= ts) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  /** First run index whose (producer, position) is >= (ts, pos). */
  private int lowerBoundKey(int[] run, int count, long ts, int pos) {
    int a = 0;
    int b = count;
    while (a < b) {
      int m = (a + b) >>> 1;
      long t = producer[run[m]];
      if (t < ts || (t == ts && run[m] < pos)) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }
}
