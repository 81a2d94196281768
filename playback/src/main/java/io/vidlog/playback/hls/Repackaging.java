package io.vidlog.playback.hls;

import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.TrackEntry;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A fragment on its way to a segment, fed either by a stored chunk's MKV (as an {@link MkvHandler})
 * or by the live window's events; its frame copies are held against a budget until
 * {@link #release()}.
 */
interface Repackaging extends MkvHandler {
  /** For live events: the fragment's TimecodeScale, Cluster timecode and Tracks, as its MKV would say. */
  void start(long timecodeScaleNs, long timecode, List<TrackEntry> tracks);

  /** For live events: one frame as a SimpleBlock carries it. */
  void frame(int track, int relativeTimecode, int flags, ByteBuffer payload);

  /** Returns the frames' charge to the budget; safe more than once. */
  void release();
}
