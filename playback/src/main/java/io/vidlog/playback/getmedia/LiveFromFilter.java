package io.vidlog.playback.getmedia;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.live.LiveEvent;

/**
 * Which live fragments a reader positioned at a fragment sees. Every fragment after the reader's
 * position, in the feed's order, is sent, except that a reader that asked for a timestamp on a
 * retention-0 stream ({@link StartPoint.LiveFrom}) starts with the fragment that contains the
 * timestamp (docs/wire-protocol.md §2). The live window offers its fragments from the oldest, so
 * those that start before the timestamp are skipped as they pass; whether a skipped one contains
 * the timestamp is known only when it ends (its duration). When it does, the reader must subscribe
 * again from the fragment before it, which the window still holds since it has just ended.
 *
 * <p>Two states: waiting for the timestamp (only with a timestamp), then passing every fragment
 * after the position. The first fragment sent, or a rewind, moves to passing for good.
 */
final class LiveFromFilter {
  private final long millis;
  private final boolean producer;
  private boolean passing;
  /** While waiting: the newest fragment skipped, and the one skipped before it (null when none). */
  private LiveEvent.FragmentStart skipped;
  private FragmentNumber beforeSkipped;

  private LiveFromFilter(long millis, boolean producer, boolean passing) {
    this.millis = millis;
    this.producer = producer;
    this.passing = passing;
  }

  /** Every fragment after the reader's position. */
  static LiveFromFilter afterPosition() {
    return new LiveFromFilter(0, false, true);
  }

  /** From the fragment that contains {@code millis} (server or producer time). */
  static LiveFromFilter fromTimestamp(long millis, boolean producer) {
    return new LiveFromFilter(millis, producer, false);
  }

  /**
   * Whether to send the fragment {@code start} opens to a reader positioned after {@code position}
   * (null: NOW, nothing sent yet). A fragment at or before the position was sent already.
   */
  boolean admits(LiveEvent.FragmentStart start, FragmentNumber position) {
    if (position != null && start.number().compareTo(position) <= 0) {
      return false;
    }
    if (passing) {
      return true;
    }
    if (startOf(start) >= millis) {
      passing = true;
      return true;
    }
    beforeSkipped = skipped != null ? skipped.number() : null;
    skipped = start;
    return false;
  }

  /**
   * For the end of a fragment: when it closes the newest skipped fragment and that fragment reaches
   * past the timestamp, the position to subscribe again from so it is sent ({@link
   * StartResolver#BEFORE_ALL} when nothing was skipped before it), and the filter passes everything
   * from then on; otherwise null.
   */
  FragmentNumber rewindFor(LiveEvent.FragmentEnd end) {
    if (passing || skipped == null || !end.number().equals(skipped.number())) {
      return null;
    }
    if (startOf(skipped) + end.header().durationMillis() <= millis) {
      return null;
    }
    passing = true;
    return beforeSkipped != null ? beforeSkipped : StartResolver.BEFORE_ALL;
  }

  private long startOf(LiveEvent.FragmentStart s) {
    return producer ? s.producerTimestampMillis() : s.serverTimestampMillis();
  }
}
