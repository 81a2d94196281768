package io.vidlog.playback.images;

import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.CodecPrivate;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the H.264 frames of one fragment out of its chunk as it is read, with their times on the
 * request's clock: the fragment's start (producer or server timestamp) plus each frame's offset from
 * its Cluster. The video track is the first H.264 track. Stops wanting frames after
 * {@link #enough()}: once a key frame starts after the last time asked for, nothing after it can
 * answer (every later frame is presented after that key frame), or once the copies reach the
 * byte limit.
 */
final class FrameCollector implements MkvHandler {
  /** Why a fragment gives no pictures. */
  enum Problem { NONE, NO_VIDEO, NOT_H264, TOO_LARGE }

  private final long startMillis;
  private final long lastWantedMillis;
  private final long maxBytes;
  private final boolean firstKeyFrameOnly;
  private final List<VideoFrame> frames = new ArrayList<>();
  private long scaleNs = SegmentInfo.DEFAULT_TIMECODE_SCALE;
  private int track = -1;
  private byte[] codecPrivate;
  private Problem problem = Problem.NONE;
  private boolean done;
  private long bytes;

  /**
   * @param startMillis the fragment's start on the request's clock (its Cluster's time)
   * @param lastWantedMillis the last time a picture is asked for in this fragment
   * @param maxBytes frame bytes to copy at most
   * @param firstKeyFrameOnly stop after the first key frame (a thumbnail)
   */
  FrameCollector(long startMillis, long lastWantedMillis, long maxBytes, boolean firstKeyFrameOnly) {
    this.startMillis = startMillis;
    this.lastWantedMillis = lastWantedMillis;
    this.maxBytes = maxBytes;
    this.firstKeyFrameOnly = firstKeyFrameOnly;
  }

  @Override
  public void onInfo(SegmentInfo info, ByteBuffer rawElement) {
    scaleNs = info.timecodeScaleNs();
  }

  @Override
  public void onTracks(List<TrackEntry> tracks, ByteBuffer rawElement) {
    if (track >= 0 || problem != Problem.NONE) {
      return;
    }
    boolean video = false;
    for (TrackEntry t : tracks) {
      String id = CodecPrivate.canonicalCodecId(t.codecId());
      if (CodecPrivate.AVC.equals(id) && t.codecPrivate() != null && t.codecPrivate().length > 0) {
        track = t.trackNumber();
        codecPrivate = t.codecPrivate();
        return;
      }
      video |= t.isVideo() || CodecPrivate.HEVC.equals(id);
    }
    problem = video ? Problem.NOT_H264 : Problem.NO_VIDEO;
    done = true;
  }

  @Override
  public void onFrame(MkvFrame frame) {
    if (done || frame.trackNumber() != track) {
      return;
    }
    long time = startMillis + Math.floorDiv(frame.timecodeNs() - frame.clusterTimecode() * scaleNs, 1_000_000L);
    if (frame.keyFrame() && !frames.isEmpty() && (firstKeyFrameOnly || time > lastWantedMillis)) {
      done = true;
      return;
    }
    if (frames.isEmpty() && !frame.keyFrame()) {
      return; // nothing decodes before the first key frame
    }
    int n = frame.payload().remaining();
    if (bytes + n > maxBytes) {
      problem = Problem.TOO_LARGE;
      done = true;
      return;
    }
    byte[] copy = new byte[n];
    frame.payload().duplicate().get(copy);
    bytes += n;
    frames.add(new VideoFrame(time, frame.keyFrame(), copy));
  }

  /** True when the rest of the chunk is not needed. */
  boolean enough() {
    return done;
  }

  Problem problem() {
    return problem;
  }

  /** The video track's avcC, null without an H.264 track. */
  byte[] codecPrivate() {
    return codecPrivate;
  }

  /** The frames copied, in decode order, from the first key frame. */
  List<VideoFrame> frames() {
    return frames;
  }
}
