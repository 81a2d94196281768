package io.vidlog.producer;

import io.vidlog.media.mkv.TrackEntry;
import java.time.Instant;
import java.util.Map;

/**
 * One frame read back from a stream, with where it came from.
 *
 * @param fragmentNumber the fragment it belongs to
 * @param frameIndex its 0-based position among the fragment's frames (all tracks)
 * @param track the track it belongs to, as the producer declared it
 * @param timestamp the frame's producer time: the fragment's producer timestamp plus the frame's
 *     offset in its Cluster (millisecond precision with the usual 1 ms TimecodeScale)
 * @param fragmentProducerTimestamp the fragment's producer timestamp (its Cluster's start)
 * @param fragmentServerTimestamp when the service started receiving the fragment
 * @param keyFrame the SimpleBlock's key-frame flag
 * @param data the frame as stored (length-prefixed NAL units for H.264/H.265, a raw AAC frame for AAC)
 * @param metadata the producer's fragment metadata sent before the fragment's Cluster
 *     (docs/wire-protocol.md §5), in arrival order
 */
public record ReadFrame(String fragmentNumber, int frameIndex, TrackEntry track, Instant timestamp,
    Instant fragmentProducerTimestamp, Instant fragmentServerTimestamp, boolean keyFrame, byte[] data,
    Map<String, String> metadata) {

  /** The checkpoint that says this frame and every one before it are processed. */
  public Checkpoint checkpoint() {
    return new Checkpoint(fragmentNumber, frameIndex, false);
  }

  public int trackNumber() {
    return track.trackNumber();
  }
}
