package io.vidlog.playback.hls;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The segments of one media playlist of a session (one track) as they accumulate: every fragment
 * that has frames of the track gets the next media sequence number, and a discontinuity number
 * that counts the EXT-X-DISCONTINUITY tags up to it (RFC 8216 §6.2.1, §6.2.2: a segment keeps both
 * numbers in every later playlist). The newest {@code keep} segments are kept for rendering.
 */
final class Lane {
  /** ON_DISCONTINUITY marks a gap or overlap between two fragments of more than this (KVS's rule). */
  static final long GAP_MILLIS = 50;

  /**
   * One segment.
   *
   * @param lengthMillis its EXTINF duration
   * @param discontinuity whether EXT-X-DISCONTINUITY precedes it
   * @param discontinuitySequence the discontinuity number of the segment
   * @param init the fragment whose tracks make its init segment; null for the session's first
   * @param tracks the fragment's tracks; null when not looked up (an old fragment counted on a
   *     node that had not served the session)
   */
  record Entry(FragmentRecord record, long lengthMillis, long mediaSequence, boolean discontinuity,
      long discontinuitySequence, FragmentNumber init, TrackSet tracks) {}

  private final int track;
  private final DiscontinuityMode mode;
  private final TimestampKind kind;
  private final TrackSet anchor;
  private final int keep;
  private final ArrayDeque<Entry> recent = new ArrayDeque<>();
  private long count;
  private long discontinuities;
  private Entry last;

  Lane(int track, DiscontinuityMode mode, TimestampKind kind, TrackSet anchor, int keep) {
    this.track = track;
    this.mode = mode;
    this.kind = kind;
    this.anchor = anchor;
    this.keep = keep;
  }

  int track() {
    return track;
  }

  /** Appends a fragment that has frames of this track; {@code tracks} may be null (not looked up). */
  void append(FragmentRecord r, TrackSet tracks, long lengthMillis) {
    last = next(r, tracks, lengthMillis);
    count++;
    discontinuities = last.discontinuitySequence();
    recent.addLast(last);
    while (recent.size() > keep) {
      recent.removeFirst();
    }
  }

  /**
   * The entry {@code r} would get if it were appended now, without appending it: the numbers and
   * tags of a segment still being produced (an LL-HLS partial segment), which it keeps once appended.
   */
  Entry next(FragmentRecord r, TrackSet tracks, long lengthMillis) {
    boolean disc = last != null && switch (mode) {
      case ALWAYS -> true;
      case NEVER -> false;
      case ON_DISCONTINUITY -> Math.abs(start(r) - (start(last.record()) + last.lengthMillis())) > GAP_MILLIS;
    };
    FragmentNumber init = last == null ? null : last.init();
    if (tracks != null) {
      if (tracks.sameCodec(anchor, track)) {
        init = null;
      } else if (last == null || (last.tracks() != null ? !tracks.sameCodec(last.tracks(), track) : init == null)) {
        init = r.number();
      }
      // new codec private data needs a new init segment and a timeline reset (RFC 8216 §4.3.2.3)
      disc |= last != null && !java.util.Objects.equals(init, last.init());
    }
    return new Entry(r, lengthMillis, count, disc, discontinuities + (disc ? 1 : 0), init, tracks);
  }

  /** The newest segment, or null. */
  Entry last() {
    return last;
  }

  private long start(FragmentRecord r) {
    return kind == TimestampKind.PRODUCER ? r.producerTimestampMillis() : r.serverTimestampMillis();
  }

  /** The newest segments, oldest first. */
  List<Entry> window() {
    return List.copyOf(recent);
  }
}
