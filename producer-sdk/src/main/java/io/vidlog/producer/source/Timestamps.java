package io.vidlog.producer.source;

/** Conversions between track time bases and nanoseconds. */
final class Timestamps {
  private static final long NANOS = 1_000_000_000L;
  /** An MP4 timescale is a 32-bit unsigned field (ISO/IEC 14496-12 §8.4.2, mdhd). */
  private static final long MAX_TIMESCALE = 0xFFFF_FFFFL;

  private Timestamps() {}

  /**
   * {@code ticks} of a {@code timescale}-per-second clock in nanoseconds, rounded toward negative
   * infinity, for any time a 64-bit nanosecond count can hold.
   *
   * @throws ArithmeticException when the result does not fit in 64 bits
   */
  static long toNanos(long ticks, long timescale) {
    if (timescale <= 0 || timescale > MAX_TIMESCALE) {
      throw new IllegalArgumentException("timescale " + timescale);
    }
    long seconds = Math.floorDiv(ticks, timescale);
    long rest = Math.floorMod(ticks, timescale); // below 2^32: rest × 10^9 fits in 63 bits
    return Math.addExact(Math.multiplyExact(seconds, NANOS), rest * NANOS / timescale);
  }
}
