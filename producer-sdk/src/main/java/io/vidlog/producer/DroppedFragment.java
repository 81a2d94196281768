package io.vidlog.producer;

import java.time.Instant;

/**
 * Frames the producer gave up on, as reported to {@link ProducerListener#onDrop}.
 *
 * @param timestamp the fragment's start (its first frame's presentation time)
 * @param frames how many accepted frames were dropped
 * @param bytes their size as packaged
 */
public record DroppedFragment(Instant timestamp, int frames, long bytes, Reason reason) {

  public enum Reason {
    /** {@link BufferMode#REAL_TIME}: the buffer was full, the oldest fragment made room. */
    BUFFER_FULL,
    /** The service refused the fragment with an ERROR ack that retrying cannot fix (4xxx). */
    REFUSED,
    /** The producer was closed, or failed, before the fragment was acknowledged. */
    CLOSED,
    /**
     * The frame came before any fragment could start: before the first key frame of the track that
     * fragments are cut on (the first video track), or before every video track's parameter sets
     * (SPS/PPS) were known.
     */
    BEFORE_FIRST_KEY_FRAME
  }
}
