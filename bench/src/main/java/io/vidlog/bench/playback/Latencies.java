package io.vidlog.bench.playback;

import java.util.Arrays;

/** Latency samples in nanoseconds from many threads; percentiles on demand. */
public final class Latencies {
  private long[] samples = new long[1 << 16];
  private int count;

  public synchronized void add(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = nanos;
  }

  public synchronized int count() {
    return count;
  }

  public synchronized void clear() {
    count = 0;
  }

  /** p in [0, 100], in milliseconds. */
  public synchronized double percentileMillis(double p) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int i = (int) Math.min(count - 1, Math.max(0, Math.ceil(p / 100.0 * count) - 1));
    return sorted[i] / 1e6;
  }

  public String summary() {
    return String.format("n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms", count(), percentileMillis(50),
        percentileMillis(90), percentileMillis(99), percentileMillis(100));
  }
}
