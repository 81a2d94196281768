package io.vidlog.playback.hls;

import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A fragment on its way to a segment, fed either by a stored chunk's MKV (as an {@link MkvHandler})
 * or by the live window's events, with the fragment's TimecodeScale and Cluster timecode, which
 * place the segment on the session's clock: its times are the fragment's start (producer or server
 * timestamp, by the session's selector) plus each frame's offset from the Cluster timecode, so
 * segments of consecutive fragments of one producer connection meet exactly with producer
 * timestamps (docs/wire-protocol.md §3.5). Its frame copies are held against a budget until
 * {@link #release()}.
 */
abstract class Repackaging implements MkvHandler {
  private long scaleNs = SegmentInfo.DEFAULT_TIMECODE_SCALE;
  private long clusterTimecode = Long.MIN_VALUE;

  @Override
  public final void onInfo(SegmentInfo info, ByteBuffer rawElement) {
    scaleNs = info.timecodeScaleNs();
  }

  @Override
  public final void onClusterStart(long timecode, long size) {
    if (clusterTimecode == Long.MIN_VALUE) {
      clusterTimecode = timecode;
    }
  }

  /** For live events: the fragment's TimecodeScale, Cluster timecode and Tracks, as its MKV would say. */
  final void start(long timecodeScaleNs, long timecode, List<TrackEntry> tracks) {
    scaleNs = timecodeScaleNs;
    onClusterStart(timecode, -1);
    onTracks(tracks, null);
  }

  /** For live events: one frame as a SimpleBlock carries it. */
  final void frame(int track, int relativeTimecode, int flags, ByteBuffer payload) {
    onFrame(new MkvFrame(track, clusterTimecode, relativeTimecode, (clusterTimecode + relativeTimecode) * scaleNs,
        (flags & 0x80) != 0, flags, -1, payload));
  }

  /** What to add to the frames' MKV timestamps to place the Cluster timecode at {@code startMillis}. */
  final long offsetNs(long startMillis) {
    return Math.subtractExact(Math.multiplyExact(startMillis, 1_000_000L),
        Math.multiplyExact(clusterTimecode == Long.MIN_VALUE ? 0 : clusterTimecode, scaleNs));
  }

  /** Returns the frames' charge to the budget, once the segment is written or will not be; safe more than once. */
  abstract void release();
}
