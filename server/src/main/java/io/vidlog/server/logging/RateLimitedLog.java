package io.vidlog.server.logging;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * One kind of log event that a client can provoke at any rate (refused connections, refused
 * signatures, records that do not verify): the first {@code burst} events of an interval are logged,
 * later ones in the same interval are only counted, and the next event logged after the interval says
 * how many were left out. So a flood costs {@code burst} lines per interval and the log still shows
 * that it happened, while an ordinary trickle (a misconfigured camera now and then) is logged whole.
 * The count is reported with the next logged event, not by a timer: a burst that stops is
 * summarised when the next one begins.
 *
 * <p>Thread-safe (a short lock per event); one instance per kind of event. Depends on SLF4J only.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final Level level;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final int burst;
  /** When the current interval began ({@link System#nanoTime} scale); Long.MIN_VALUE before the first event. */
  private long intervalStart = Long.MIN_VALUE;
  private int loggedInInterval;
  private final AtomicLong suppressed = new AtomicLong();

  public RateLimitedLog(Logger log, Level level, Duration interval) {
    this(log, level, interval, 1, System::nanoTime);
  }

  /** At most {@code burst} lines per interval. */
  public RateLimitedLog(Logger log, Level level, Duration interval, int burst) {
    this(log, level, interval, burst, System::nanoTime);
  }

  /** With a clock in nanoseconds, for tests. */
  public RateLimitedLog(Logger log, Level level, Duration interval, LongSupplier nanoClock) {
    this(log, level, interval, 1, nanoClock);
  }

  public RateLimitedLog(Logger log, Level level, Duration interval, int burst, LongSupplier nanoClock) {
    if (interval.isNegative() || interval.isZero() || burst < 1) {
      throw new IllegalArgumentException("interval must be positive and burst at least 1: " + interval + ", " + burst);
    }
    this.log = log;
    this.level = level;
    this.intervalNanos = interval.toNanos();
    this.burst = burst;
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
    if (!admit(nanoClock.getAsLong())) {
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

  /** Whether one more line fits in the current interval (a new interval starts when the last has passed). */
  private synchronized boolean admit(long now) {
    if (intervalStart == Long.MIN_VALUE || now - intervalStart >= intervalNanos) {
      intervalStart = now;
      loggedInInterval = 0;
    }
    if (loggedInInterval >= burst) {
      return false;
    }
    loggedInInterval++;
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
