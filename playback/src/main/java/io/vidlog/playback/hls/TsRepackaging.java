package io.vidlog.playback.hls;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.ts.MkvFragmentTsRepackager;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One fragment, every track, on its way to an MPEG-TS segment (getTSFragment.ts,
 * docs/wire-protocol.md §3.5): media's {@link MkvFragmentTsRepackager} plus the Cluster timecode
 * and TimecodeScale, which place the segment on the session's clock exactly as the fMP4 segments
 * are placed ({@link FragmentRepackaging}). The frame copies are charged to the shared
 * repackaging budget until {@link #release()}.
 */
final class TsRepackaging implements Repackaging {
  private final MkvFragmentTsRepackager repackager = new MkvFragmentTsRepackager();
  private final ByteBudget budget;
  private long scaleNs = SegmentInfo.DEFAULT_TIMECODE_SCALE;
  private long clusterTimecode = Long.MIN_VALUE;
  private long held;
  private int frames;

  TsRepackaging(ByteBudget budget) {
    this.budget = budget;
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
    int n = frame.payload().remaining();
    budget.reserve(n, MediaFormatException.Format.MKV, MediaFormatException.UNKNOWN_OFFSET,
        "copying the frames of a fragment for a transport stream segment (" + held + " bytes so far)");
    held += n;
    frames++;
    repackager.onFrame(frame);
  }

  @Override
  public void start(long timecodeScaleNs, long timecode, List<TrackEntry> tracks) {
    scaleNs = timecodeScaleNs;
    onClusterStart(timecode, -1);
    onTracks(tracks, null);
  }

  @Override
  public void frame(int track, int relativeTimecode, int flags, ByteBuffer payload) {
    onFrame(new MkvFrame(track, clusterTimecode, relativeTimecode, (clusterTimecode + relativeTimecode) * scaleNs,
        (flags & 0x80) != 0, flags, -1, payload));
  }

  boolean hasFrames() {
    return frames > 0;
  }

  @Override
  public void release() {
    budget.release(held);
    held = 0;
  }

  /** The segment, with the Cluster timecode placed at {@code startMillis} (the session's timestamp of the fragment). */
  byte[] segment(long startMillis) {
    long offset = Math.subtractExact(Math.multiplyExact(startMillis, 1_000_000L),
        Math.multiplyExact(clusterTimecode == Long.MIN_VALUE ? 0 : clusterTimecode, scaleNs));
    return repackager.segment(offset);
  }
}
