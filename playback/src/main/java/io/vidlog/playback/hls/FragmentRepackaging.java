package io.vidlog.playback.hls;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.fmp4.MediaSegment;
import io.vidlog.media.fmp4.MediaSegmentBuilder;
import io.vidlog.media.fmp4.MkvFragmentRepackager;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.TrackEntry;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One fragment's track on its way to an fMP4 media segment: media's {@link MkvFragmentRepackager}
 * fed from a stored chunk's MKV or from live events, placed on the session's clock as
 * {@link Repackaging} says. Video decode times are the presentation times in order (B-frames get
 * negative composition offsets): hls.js places the segments of each discontinuity by their decode
 * times, and a shift by each segment's own reordering delay would move video against audio and make
 * consecutive segments overlap. The copies of the frames are charged to a budget shared by every request
 * until {@link #release()}.
 */
final class FragmentRepackaging extends Repackaging {
  private final MkvFragmentRepackager repackager;

  /** @param budget charged with the copies of the track's frames until {@link #release()} */
  FragmentRepackaging(ByteBudget budget, int track) {
    this.repackager = new MkvFragmentRepackager(budget, track);
  }

  @Override
  void release() {
    repackager.release();
  }

  @Override
  public void onTracks(List<TrackEntry> tracks, ByteBuffer rawElement) {
    repackager.onTracks(tracks, rawElement);
  }

  @Override
  public void onFrame(MkvFrame frame) {
    repackager.onFrame(frame);
  }

  boolean hasFrames() {
    return repackager.firstTimestampNs() != MediaSegmentBuilder.NO_END;
  }

  /**
   * The segment, with the Cluster timecode placed at {@code startMillis} (the fragment's producer
   * or server start timestamp).
   */
  MediaSegment segment(long sequenceNumber, long startMillis) {
    return repackager.segmentInSequence(sequenceNumber, offsetNs(startMillis), MediaSegmentBuilder.NO_END);
  }
}
