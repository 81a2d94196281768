package io.vidlog.producer;

import java.time.Duration;

/**
 * How full the content buffer is, as reported to {@link ProducerListener#onBufferPressure}: what it
 * holds (everything not yet acknowledged, plus the fragment being filled) against its limits.
 */
public record BufferState(long bytes, long maxBytes, Duration duration, Duration maxDuration, int fragments) {

  /** The larger of the byte and the duration fill ratios, 0–1 (may exceed 1 by one frame). */
  public double fill() {
    double b = maxBytes == 0 ? 0 : (double) bytes / maxBytes;
    double d = maxDuration.isZero() ? 0 : (double) duration.toNanos() / maxDuration.toNanos();
    return Math.max(b, d);
  }
}
