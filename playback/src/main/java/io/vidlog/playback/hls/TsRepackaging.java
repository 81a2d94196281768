package io.vidlog.playback.hls;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.ts.MkvFragmentTsRepackager;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One fragment, every track, on its way to an MPEG-TS segment (getTSFragment.ts,
 * docs/wire-protocol.md §3.5): media's {@link MkvFragmentTsRepackager}, placed on the session's
 * clock exactly as the fMP4 segments are ({@link Repackaging}). The frame copies are charged to the
 * shared repackaging budget until {@link #release()}.
 */
final class TsRepackaging extends Repackaging {
  private final MkvFragmentTsRepackager repackager = new MkvFragmentTsRepackager();
  private final ByteBudget budget;
  private long held;
  private int frames;

  TsRepackaging(ByteBudget budget) {
    this.budget = budget;
  }

  @Override
  public void onTracks(List<TrackEntry> tracks, ByteBuffer rawElement) {
    repackager.onTracks(tracks, rawElement);
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

  boolean hasFrames() {
    return frames > 0;
  }

  @Override
  void release() {
    budget.release(held);
    held = 0;
  }

  /** The segment, with the Cluster timecode placed at {@code startMillis} (the session's timestamp of the fragment). */
  byte[] segment(long startMillis) {
    return repackager.segment(offsetNs(startMillis));
  }
}
