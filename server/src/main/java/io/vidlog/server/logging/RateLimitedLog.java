package io.vidlog.server.logging;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * One kind of log event that a client can provoke at any rate (refused connections, refused
 * signatures, records that do not verify): the first event of an interval is logged, later ones in
 * the same interval are only counted, and the next event logged after the interval says how many
 * were left out. So a flood costs one line per interval and the log still shows that it happened.
 * The count is reported with the next logged event, not by a timer: a burst that stops is
 * summarised when the next one begins.
 *
 * <p>Thread-safe and lock-free; one instance per kind of event. Depends on SLF4J only.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final Level level;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  /** When the next event may be logged ({@link System#nanoTime} scale); Long.MIN_VALUE before the first. */
  private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  public RateLimitedLog(Logger log, Level level, Duration interval) {
    this(log, level, interval, System::nanoTime);
  }

  /** With a clock in nanoseconds, for tests. */
  public RateLimitedLog(Logger log, Level level, Duration interval, LongSupplier nanoClock) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    this.log = log;
    this.level = level;
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * Logs {@code format} (SLF4J {@code {}} placeholders; a trailing Throwable is logged as the cause)
   * unless an event of this kind was logged less than one interval ago. Returns whether it was.
   */
  public boolean log(String format, Object... args) {
    if (!log.isEnabledForLevel(level)) {
      return false;
    }
    long now = nanoClock.getAsLong();
    long next = nextAllowed.get();
    if ((next != Long.MIN_VALUE && now - next < 0) || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return false;
    }
    long left = suppressed.getAndSet(0);
    if (left == 0) {
      log.atLevel(level).log(format, args);
    } else {
      Object[] withCount = appendBeforeCause(args, left);
      log.atLevel(level).log(format + " ({} more like it not logged since the last)", withCount);
    }
    return true;
  }

  /** {@code args} with {@code count} added as the last placeholder value, ahead of a trailing cause. */
  private static Object[] appendBeforeCause(Object[] args, long count) {
    boolean cause = args.length > 0 && args[args.length - 1] instanceof Throwable;
    Object[] out = Arrays.copyOf(args, args.length + 1);
    if (cause) {
      out[args.length - 1] = count;
      out[args.length] = args[args.length - 1];
    } else {
      out[args.length] = count;
    }
    return out;
  }
}
