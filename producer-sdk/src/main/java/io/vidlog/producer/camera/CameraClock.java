package io.vidlog.producer.camera;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * The time a camera paces itself by: a monotonic clock for waiting, and the wall clock once, at
 * start, for the frames' timestamps. Tests give one that never waits.
 */
public interface CameraClock {
  /** A monotonic reading in nanoseconds (as {@link System#nanoTime()}). */
  long nanoTime();

  /** Nanoseconds since the epoch now. */
  long epochNanos();

  /** Returns once {@link #nanoTime()} has reached {@code deadline}; at once if it has. */
  void sleepUntil(long deadline) throws InterruptedException;

  /** The system clocks. */
  static CameraClock system() {
    return new CameraClock() {
      private final Clock wall = Clock.systemUTC();

      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public long epochNanos() {
        Instant now = wall.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
      }

      @Override
      public void sleepUntil(long deadline) throws InterruptedException {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
          LockSupport.parkNanos(left);
          if (Thread.interrupted()) {
            throw new InterruptedException("camera stopped");
          }
        }
        if (Thread.interrupted()) {
          throw new InterruptedException("camera stopped");
        }
      }
    };
  }
}
