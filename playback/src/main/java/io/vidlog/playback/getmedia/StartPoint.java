package io.vidlog.playback.getmedia;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;

/**
 * Where a GetMedia session starts, once {@link StartResolver} has resolved the StartSelector against
 * the index (docs/wire-protocol.md §2, StartSelectorType).
 */
sealed interface StartPoint {

  /**
   * Start with the first fragment numbered after {@code after}: on a persisted stream from the store
   * (then live), on a retention-0 stream from the live window. FRAGMENT_NUMBER and
   * CONTINUATION_TOKEN name the fragment; a timestamp past everything stored gives the newest
   * stored fragment; EARLIEST, and a timestamp on a stream with nothing stored, give
   * {@link StartResolver#BEFORE_ALL}. A reader at {@code BEFORE_ALL} whose fragments have left the
   * live window starts at the next fragment instead; one after a named fragment gets error 4000.
   */
  record After(FragmentNumber after) implements StartPoint {}

  /**
   * Start with exactly this stored fragment: the one that contains the requested timestamp, or
   * else the first that starts after it ({@code TimeIndex#locate}).
   */
  record At(FragmentRecord first) implements StartPoint {}

  /**
   * NOW: the next fragment that starts. A fragment already open when the request arrives is
   * skipped, so the reader starts at a fragment boundary, on a key frame. KVS does not say what NOW
   * does with an open fragment; this is vidlog's choice.
   */
  record Now() implements StartPoint {}

  /**
   * A timestamp on a retention-0 stream, served from the live window only: start with the fragment
   * that contains the timestamp, or else the first that starts after it. Fragments starting before
   * the timestamp are skipped as the window offers them; one whose end reaches past the timestamp
   * is sent after all once its end shows that ({@link LiveFromFilter}).
   */
  record LiveFrom(long millis, boolean producer) implements StartPoint {}
}
