package io.vidlog.producer;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter (a uniformly random delay between half the minimum and
 * min(max, minimum × 2^n)),
 * so that many producers cut off by the same outage do not reconnect in step.
 */
final class Backoff {
  private final long minMillis;
  private final long maxMillis;
  private int attempt;

  Backoff(Duration min, Duration max) {
    this.minMillis = min.toMillis();
    this.maxMillis = max.toMillis();
  }

  /** The delay before the next attempt; each call doubles the ceiling. */
  long nextMillis() {
    long ceiling = Math.min(maxMillis, minMillis << Math.min(attempt, 20));
    attempt++;
    return ThreadLocalRandom.current().nextLong(minMillis / 2, Math.max(minMillis / 2 + 1, ceiling + 1));
  }

  /** Progress was made: the next failure starts from the minimum again. */
  void reset() {
    attempt = 0;
  }
}
