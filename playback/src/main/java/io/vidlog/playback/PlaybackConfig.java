package io.vidlog.playback;

import java.time.Duration;

/**
 * Playback limits (kvs-api.md §2 and §6; defaults follow KVS).
 *
 * @param getMediaConnectionsPerStream concurrent GetMedia responses per stream; more are refused
 *     with ConnectionLimitExceededException
 * @param fragmentListConnectionsPerStream concurrent GetMediaForFragmentList responses per stream
 * @param maxSessionLength how long one GetMedia response may run; it then ends cleanly after the
 *     fragment in progress and the reader resumes with its last continuation token (KVS ends
 *     sessions after about 45 minutes)
 */
public record PlaybackConfig(int getMediaConnectionsPerStream, int fragmentListConnectionsPerStream,
    Duration maxSessionLength) {

  public static final PlaybackConfig DEFAULTS = new PlaybackConfig(3, 5, Duration.ofMinutes(45));

  public PlaybackConfig {
    if (getMediaConnectionsPerStream < 1) {
      throw new IllegalArgumentException("getMediaConnectionsPerStream must be >= 1, got " + getMediaConnectionsPerStream);
    }
    if (fragmentListConnectionsPerStream < 1) {
      throw new IllegalArgumentException("fragmentListConnectionsPerStream must be >= 1, got "
          + fragmentListConnectionsPerStream);
    }
    if (maxSessionLength == null || maxSessionLength.isNegative() || maxSessionLength.isZero()) {
      throw new IllegalArgumentException("maxSessionLength must be positive, got " + maxSessionLength);
    }
  }

  public PlaybackConfig withMaxSessionLength(Duration length) {
    return new PlaybackConfig(getMediaConnectionsPerStream, fragmentListConnectionsPerStream, length);
  }

  public PlaybackConfig withGetMediaConnectionsPerStream(int n) {
    return new PlaybackConfig(n, fragmentListConnectionsPerStream, maxSessionLength);
  }
}
