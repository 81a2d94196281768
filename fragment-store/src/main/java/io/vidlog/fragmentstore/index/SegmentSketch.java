package io.vidlog.fragmentstore.index;

import java.util.Arrays;

/**
 * What the resident summary knows of a sealed segment's timestamps without loading it: how many
 * entries it holds, the range of their server timestamps, and intervals that cover all their
 * producer timestamps. Queries use it to skip segments that cannot hold an answer; a sketch may
 * cover more than its segment holds (never less), so skipping by it never loses an entry.
 *
 * @param producer interval bounds {@code [lo0, hi0, lo1, hi1, ...]}, sorted and disjoint; empty when
 *     the segment holds nothing
 */
record SegmentSketch(int count, long serverMin, long serverMax, long[] producer) {
  /** At most this many producer intervals per segment: a main run plus a few replays or uploads. */
  static final int MAX_INTERVALS = 4;
  static final SegmentSketch EMPTY = new SegmentSketch(0, Long.MAX_VALUE, Long.MIN_VALUE, new long[0]);

  SegmentSketch {
    if (count < 0 || producer.length % 2 != 0 || producer.length > 2 * MAX_INTERVALS) {
      throw new IllegalArgumentException("bad segment sketch: count " + count + ", " + producer.length + " bounds");
    }
  }

  /**
   * At most {@code max} intervals covering every value of {@code sorted} (ascending): split at the
   * {@code max - 1} largest gaps, which leaves out as much uncovered time as any split can.
   */
  static long[] cover(long[] sorted, int max) {
    int n = sorted.length;
    if (n == 0) {
      return new long[0];
    }
    // the largest gaps, as indices i of the gap between sorted[i] and sorted[i + 1]
    int[] cut = new int[max - 1];
    int cuts = 0;
    for (int i = 0; i + 1 < n; i++) {
      long gap = sorted[i + 1] - sorted[i]; // unsigned: sorted, so the true gap fits in 64 bits
      if (gap == 0) {
        continue;
      }
      int at = cuts;
      while (at > 0 && Long.compareUnsigned(gap, sorted[cut[at - 1] + 1] - sorted[cut[at - 1]]) > 0) {
        at--;
      }
      if (at < max - 1) {
        int move = Math.min(cuts, max - 2) - at;
        System.arraycopy(cut, at, cut, at + 1, move);
        cut[at] = i;
        cuts = Math.min(cuts + 1, max - 1);
      }
    }
    Arrays.sort(cut, 0, cuts);
    long[] out = new long[2 * (cuts + 1)];
    int start = 0;
    for (int c = 0; c < cuts; c++) {
      out[2 * c] = sorted[start];
      out[2 * c + 1] = sorted[cut[c]];
      start = cut[c] + 1;
    }
    out[2 * cuts] = sorted[start];
    out[2 * cuts + 1] = sorted[n - 1];
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SegmentSketch s && count == s.count && serverMin == s.serverMin && serverMax == s.serverMax
        && Arrays.equals(producer, s.producer);
  }

  @Override
  public int hashCode() {
    return 31 * Integer.hashCode(count) + Arrays.hashCode(producer);
  }

  @Override
  public String toString() {
    return "SegmentSketch[count=" + count + ", server=" + serverMin + ".." + serverMax + ", producer="
        + Arrays.toString(producer) + "]";
  }
}
