package io.vidlog.playback.hls;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.fmp4.MediaSegment;
import io.vidlog.media.fmp4.MediaSegmentBuilder;
import io.vidlog.media.fmp4.MkvFragmentRepackager;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One fragment's track on its way to an fMP4 media segment: media's {@link MkvFragmentRepackager}
 * fed from a stored chunk's MKV or from live events, plus the Cluster timecode and TimecodeScale,
 * which place the segment on the session's clock. Decode times are the fragment's start
 * (producer or server timestamp, by the session's selector) plus each frame's offset from the
 * Cluster timecode, so segments of consecutive fragments of one producer connection meet exactly
 * with producer timestamps (docs/wire-protocol.md §3.5). The copies of the frames are charged to a
 * budget shared by every request until {@link #release()}.
 */
final class FragmentRepackaging implements Repackaging {
  private final MkvFragmentRepackager repackager;
  private long scaleNs = SegmentInfo.DEFAULT_TIMECODE_SCALE;
  private long clusterTimecode = Long.MIN_VALUE;

  /** @param budget charged with the copies of the track's frames until {@link #release()} */
  FragmentRepackaging(ByteBudget budget, int track) {
    this.repackager = new MkvFragmentRepackager(budget, track);
  }

  /** Returns the frames' charge to the budget, once the segment is written or will not be. */
  @Override
  public void release() {
    repackager.release();
  }

  @Override
  public void onInfo(SegmentInfo info, ByteBuffer rawElement) {
    scaleNs = info.timecodeScaleNs();
  }

  @Override
  public void onTracks(List<TrackEntry> tracks, ByteBuffer rawElement) {
    repackager.onTracks(tracks, rawElement);
  }

  @Override
  public void onClusterStart(long timecode, long size) {
    if (clusterTimecode == Long.MIN_VALUE) {
      clusterTimecode = timecode;
    }
  }

  @Override
  public void onFrame(MkvFrame frame) {
    repackager.onFrame(frame);
  }

  /** For live events: the fragment's TimecodeScale and Cluster timecode, as its MKV would say. */
  @Override
  public void start(long timecodeScaleNs, long timecode, List<TrackEntry> tracks) {
    scaleNs = timecodeScaleNs;
    onClusterStart(timecode, -1);
    onTracks(tracks, null);
  }

  /** For live events: one frame as a SimpleBlock carries it. */
  @Override
  public void frame(int track, int relativeTimecode, int flags, ByteBuffer payload) {
    onFrame(new MkvFrame(track, clusterTimecode, relativeTimecode, (clusterTimecode + relativeTimecode) * scaleNs,
        (flags & 0x80) != 0, flags, -1, payload));
  }

  boolean hasFrames() {
    return repackager.firstTimestampNs() != MediaSegmentBuilder.NO_END;
  }

  /**
   * The segment, with the Cluster timecode placed at {@code startMillis} (the fragment's producer
   * or server start timestamp).
   */
  MediaSegment segment(long sequenceNumber, long startMillis) {
    long offset = Math.subtractExact(Math.multiplyExact(startMillis, 1_000_000L),
        Math.multiplyExact(clusterTimecode == Long.MIN_VALUE ? 0 : clusterTimecode, scaleNs));
    return repackager.segment(sequenceNumber, offset, MediaSegmentBuilder.NO_END);
  }
}
