package io.vidlog.playback;

import java.time.Duration;

/**
 * Playback limits (docs/wire-protocol.md §2 and §6; defaults follow KVS).
 *
 * @param getMediaConnectionsPerStream concurrent GetMedia responses per stream; more are refused
 *     with ConnectionLimitExceededException
 * @param fragmentListConnectionsPerStream concurrent GetMediaForFragmentList responses per stream
 * @param maxSessionLength how long one GetMedia response may run; it then ends cleanly after the
 *     fragment in progress and the reader resumes with its last continuation token (KVS ends
 *     sessions after about 45 minutes)
 * @param liveIdleEnd how long a GetMedia reader at the live edge may wait with no fragment in
 *     progress before the response ends cleanly (it resumes with its last continuation token); KVS
 *     readers likewise stop when no data arrives (docs/wire-protocol.md §2). Keep it below the listener's idle
 *     timeout, which would otherwise cut the response off mid-stream.
 */
public record PlaybackConfig(int getMediaConnectionsPerStream, int fragmentListConnectionsPerStream,
    Duration maxSessionLength, Duration liveIdleEnd) {

  public static final PlaybackConfig DEFAULTS = new PlaybackConfig(3, 5, Duration.ofMinutes(45),
      Duration.ofSeconds(30));

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
    if (liveIdleEnd == null || liveIdleEnd.isNegative() || liveIdleEnd.isZero()) {
      throw new IllegalArgumentException("liveIdleEnd must be positive, got " + liveIdleEnd);
    }
  }

  public PlaybackConfig withMaxSessionLength(Duration length) {
    return new PlaybackConfig(getMediaConnectionsPerStream, fragmentListConnectionsPerStream, length, liveIdleEnd);
  }

  public PlaybackConfig withGetMediaConnectionsPerStream(int n) {
    return new PlaybackConfig(n, fragmentListConnectionsPerStream, maxSessionLength, liveIdleEnd);
  }

  public PlaybackConfig withLiveIdleEnd(Duration idle) {
    return new PlaybackConfig(getMediaConnectionsPerStream, fragmentListConnectionsPerStream, maxSessionLength, idle);
  }
}
