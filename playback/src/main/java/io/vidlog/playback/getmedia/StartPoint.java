package io.vidlog.playback.getmedia;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;

/**
 * Where a GetMedia session starts, once the StartSelector has been resolved against the index.
 */
sealed interface StartPoint {

  /** Start with the first fragment after {@code after}; null after means the earliest fragment there is. */
  record After(FragmentNumber after) implements StartPoint {}

  /** Start with exactly this stored fragment (the one containing a requested timestamp). */
  record At(FragmentRecord first) implements StartPoint {}

  /**
   * NOW: the next fragment that starts. A fragment already open when the request arrives is skipped,
   * as KVS does (kvs-api.md §2): the reader starts at a fragment boundary, i.e. on a key frame.
   */
  record Now() implements StartPoint {}

  /** Retention 0 with a timestamp: the first fragment in the live window starting at or after it. */
  record LiveFrom(long millis, boolean producer) implements StartPoint {}
}
