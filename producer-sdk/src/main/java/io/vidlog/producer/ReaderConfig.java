package io.vidlog.producer;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link StreamReader} reads.
 *
 * @param start where to start when {@code checkpoints} holds no checkpoint
 * @param checkpoints where progress is kept
 * @param minBackoff first delay before resuming after a failure; doubles up to {@code maxBackoff}, jittered
 */
public record ReaderConfig(String streamName, StartPosition start, CheckpointStore checkpoints,
    ReaderListener listener, Duration minBackoff, Duration maxBackoff) {

  public ReaderConfig {
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(checkpoints, "checkpoints");
    Objects.requireNonNull(listener, "listener");
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("backoff " + minBackoff + ".." + maxBackoff);
    }
  }

  /** From now, checkpoints in memory, 200 ms to 10 s backoff. */
  public static ReaderConfig of(String streamName) {
    return new ReaderConfig(streamName, StartPosition.now(), CheckpointStore.memory(), new ReaderListener() {},
        Duration.ofMillis(200), Duration.ofSeconds(10));
  }

  public ReaderConfig withStart(StartPosition position) {
    return new ReaderConfig(streamName, position, checkpoints, listener, minBackoff, maxBackoff);
  }

  public ReaderConfig withCheckpoints(CheckpointStore store) {
    return new ReaderConfig(streamName, start, store, listener, minBackoff, maxBackoff);
  }

  public ReaderConfig withListener(ReaderListener l) {
    return new ReaderConfig(streamName, start, checkpoints, l, minBackoff, maxBackoff);
  }

  public ReaderConfig withBackoff(Duration min, Duration max) {
    return new ReaderConfig(streamName, start, checkpoints, listener, min, max);
  }
}
