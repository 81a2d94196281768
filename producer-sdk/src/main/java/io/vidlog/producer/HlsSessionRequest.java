package io.vidlog.producer;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A GetHLSStreamingSessionURL request (docs/wire-protocol.md §3.5). Which members a mode needs is
 * checked here; the service checks the rest (24 h range, a SERVER_TIMESTAMP end not in the future).
 * Start with {@link #live}, {@link #liveReplay} or {@link #onDemand}.
 *
 * @param selector which fragment timestamp the range selects; null for the service's default
 *     (SERVER_TIMESTAMP)
 * @param start the range's start: required with LIVE_REPLAY and ON_DEMAND, absent with LIVE
 * @param end the range's end: required with ON_DEMAND, optional with LIVE_REPLAY (then the session
 *     follows the live edge), absent with LIVE
 * @param expires how long the URL works, 300 s to 12 h (whole seconds); null for the service's
 *     default (300 s)
 * @param containerFormat null for the service's default (FRAGMENTED_MP4)
 */
public record HlsSessionRequest(String streamName, PlaybackMode mode, TimestampType selector, Instant start,
    Instant end, Duration expires, ContainerFormat containerFormat) {
  /** The session lifetimes the service accepts (docs/wire-protocol.md §3.5, "Expires"). */
  public static final Duration MIN_EXPIRES = Duration.ofSeconds(300);
  public static final Duration MAX_EXPIRES = Duration.ofHours(12);

  public HlsSessionRequest {
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(mode, "mode");
    switch (mode) {
      case LIVE -> {
        if (start != null || end != null) {
          throw new IllegalArgumentException("a LIVE session has no time range (start " + start + ", end " + end + ")");
        }
      }
      case LIVE_REPLAY -> require(start, "a LIVE_REPLAY session needs a start");
      case ON_DEMAND -> {
        require(start, "an ON_DEMAND session needs a start");
        require(end, "an ON_DEMAND session needs an end");
      }
      default -> throw new IllegalStateException(mode.toString());
    }
    if (start != null && end != null && !end.isAfter(start)) {
      throw new IllegalArgumentException("the range's end " + end + " is not after its start " + start);
    }
    if (expires != null && (expires.compareTo(MIN_EXPIRES) < 0 || expires.compareTo(MAX_EXPIRES) > 0
        || expires.toNanosPart() != 0)) {
      throw new IllegalArgumentException("expires " + expires + ": want whole seconds from " + MIN_EXPIRES.toSeconds()
          + " to " + MAX_EXPIRES.toSeconds());
    }
  }

  /** The newest fragments, following the live edge. */
  public static HlsSessionRequest live(String streamName) {
    return new HlsSessionRequest(streamName, PlaybackMode.LIVE, null, null, null, null, null);
  }

  /** From {@code start} on (by {@code selector}), following the live edge; {@link #withEnd} closes the range. */
  public static HlsSessionRequest liveReplay(String streamName, TimestampType selector, Instant start) {
    return new HlsSessionRequest(streamName, PlaybackMode.LIVE_REPLAY, selector, start, null, null, null);
  }

  /** The fragments from {@code start} to {@code end} (by {@code selector}). */
  public static HlsSessionRequest onDemand(String streamName, TimestampType selector, Instant start, Instant end) {
    return new HlsSessionRequest(streamName, PlaybackMode.ON_DEMAND, selector, start, end, null, null);
  }

  public HlsSessionRequest withEnd(Instant t) {
    return new HlsSessionRequest(streamName, mode, selector, start, t, expires, containerFormat);
  }

  public HlsSessionRequest withExpires(Duration d) {
    return new HlsSessionRequest(streamName, mode, selector, start, end, d, containerFormat);
  }

  public HlsSessionRequest withContainerFormat(ContainerFormat f) {
    return new HlsSessionRequest(streamName, mode, selector, start, end, expires, f);
  }

  private static void require(Instant t, String message) {
    if (t == null) {
      throw new IllegalArgumentException(message);
    }
  }
}
