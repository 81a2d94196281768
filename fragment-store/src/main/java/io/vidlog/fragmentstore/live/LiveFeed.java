package io.vidlog.fragmentstore.live;

import io.vertx.core.Handler;
import io.vidlog.fragmentstore.FragmentNumber;

/**
 * One stream's live feed (docs/architecture.md §Live path): ingest publishes each fragment's start, each frame
 * the moment it is parsed, and the fragment's end; playback subscribes from "now" or from a fragment
 * still held in memory. The feed keeps a bounded window of recent fragments (default 5 minutes or
 * 200 MB, as KVS keeps for retention 0); the window shrinks below that when the windows of all
 * streams together exceed their shared budget ({@link LiveFeedConfig#totalBytes()}). Each subscriber has its own bounded queue and is called on
 * its own Vert.x context; a subscriber that falls behind is cut off with a reason, and a publisher
 * never waits for a subscriber.
 *
 * <p>Publishing methods are called from one thread at a time (the ingest connection that owns the
 * stream) and never block.
 */
public interface LiveFeed {

  void publish(LiveEvent.FragmentStart start);

  /** The frame's payload is copied or retained by the feed; the caller may reuse its buffer after the call. */
  void publish(LiveEvent.Frame frame);

  /**
   * As {@link #publish(LiveEvent.Frame)}, for a payload the caller never modifies afterwards: the
   * feed may keep it without a copy (ingest makes exactly one copy of each frame and shares it).
   */
  default void publishImmutable(LiveEvent.Frame frame) {
    publish(frame);
  }

  void publish(LiveEvent.FragmentEnd end);

  /** The open fragment was refused (bad input); subscribers drop it, it is not in the window. */
  void publish(LiveEvent.FragmentAborted aborted);

  /**
   * Subscribes. {@code from} null: start at the next fragment that starts (NOW). Otherwise start at the
   * first fragment in the window whose number is greater than {@code from}; when that fragment is no
   * longer in the window the subscription is cut off at once with {@link CutOff.Reason#BEHIND_WINDOW}.
   * Events come on the caller's Vert.x context, in order, each fragment starting with FragmentStart.
   */
  LiveSubscription subscribe(FragmentNumber from, Handler<LiveEvent> events, Handler<CutOff> cutOff);

  /** The newest fragment number published that ended (null when none), for MILLIS_BEHIND_NOW and hand-over. */
  FragmentNumber lastEnded();

  /** Why a subscription ended without the subscriber asking. */
  record CutOff(Reason reason, FragmentNumber lastDelivered, String message) {
    /** The kinds of cut-off. */
    public enum Reason { SLOW_CONSUMER, BEHIND_WINDOW, STREAM_DELETED, SHUTDOWN }
  }
}
