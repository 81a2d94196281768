package io.vidlog.producer.source;

import java.math.BigDecimal;

/**
 * A frame rate as the exact ratio video timing uses (30000/1001, not 29.97), so that the time of
 * frame n is computed, not accumulated: no drift over a long file.
 */
public record FrameRate(long numerator, long denominator) {
  private static final long NANOS = 1_000_000_000L;
  /** Frame rates beyond this are not video. */
  private static final double MAX_FPS = 1000;

  public FrameRate {
    if (numerator <= 0 || denominator <= 0 || numerator > 0xFFFF_FFFFL
        || (double) numerator / denominator > MAX_FPS || (double) numerator / denominator < 0.001) {
      throw new IllegalArgumentException("frame rate " + numerator + "/" + denominator
          + ": want between 0.001 and " + (int) MAX_FPS + " frames per second");
    }
  }

  /** Whole frames per second. */
  public static FrameRate of(int fps) {
    return new FrameRate(fps, 1);
  }

  /**
   * Parses {@code 25}, {@code 29.97} or {@code 30000/1001}.
   *
   * @throws IllegalArgumentException naming the text when it is none of those, or out of range
   */
  public static FrameRate parse(String text) {
    try {
      int slash = text.indexOf('/');
      if (slash >= 0) {
        return new FrameRate(Long.parseLong(text.substring(0, slash).trim()),
            Long.parseLong(text.substring(slash + 1).trim()));
      }
      BigDecimal d = new BigDecimal(text.trim());
      int scale = Math.max(0, d.stripTrailingZeros().scale());
      if (scale > 6) {
        throw new IllegalArgumentException("frame rate '" + text + "': at most 6 decimals");
      }
      long den = BigDecimal.TEN.pow(scale).longValueExact();
      return new FrameRate(d.movePointRight(scale).longValueExact(), den);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("frame rate '" + text + "': want a number (25, 29.97) or a ratio (30000/1001)");
    }
  }

  /** The time of frame {@code index} from the first, in nanoseconds. */
  public long frameTimeNanos(long index) {
    long ticks = Math.multiplyExact(index, denominator);
    long seconds = Math.floorDiv(ticks, numerator);
    long rest = Math.floorMod(ticks, numerator); // below 2^32: rest × 10^9 fits in 63 bits
    return Math.addExact(Math.multiplyExact(seconds, NANOS), rest * NANOS / numerator);
  }

  /** One frame's duration in nanoseconds, rounded down. */
  public long frameDurationNanos() {
    return frameTimeNanos(1);
  }

  @Override
  public String toString() {
    return denominator == 1 ? Long.toString(numerator) : numerator + "/" + denominator;
  }
}
