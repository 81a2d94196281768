package io.vidlog.bench.soak;

import java.util.Arrays;

/**
 * Latencies recorded since the last {@link #drain}, from any thread: one sampling window of the
 * run. Kept as a plain growable array (a window holds a few thousand values).
 */
final class LatencyWindow {
  private long[] values = new long[1024];
  private int size;

  synchronized void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  /** The window's values, sorted, and a new window begins. */
  synchronized long[] drain() {
    long[] out = Arrays.copyOf(values, size);
    size = 0;
    Arrays.sort(out);
    return out;
  }

  /** The {@code q} quantile of sorted values in milliseconds; NaN when there are none. */
  static double quantileMs(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))] / 1e6;
  }
}
