package io.vidlog.media.mkv;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One coded frame from a SimpleBlock or a Block.
 *
 * @param trackNumber the block's track number
 * @param clusterTimecode the enclosing Cluster's Timecode as sent (TimecodeScale units)
 * @param relativeTimecode the block's signed 16-bit timecode relative to the Cluster
 * @param timecodeNs absolute timestamp in nanoseconds: (clusterTimecode + relativeTimecode) × TimecodeScale
 * @param keyFrame SimpleBlock key flag (0x80); for a Block, true when the BlockGroup has no ReferenceBlock
 * @param flags the raw SimpleBlock flags byte (lacing bits cleared), 0x80 for a key Block
 * @param durationTicks BlockDuration when a BlockGroup gave one, else -1
 * @param pieces the frame bytes, in order: one view of the input where the frame arrived in one
 *     slice, or one buffer it was assembled into (bounded by {@link MkvLimits#maxFrameSize()}); for a
 *     reader whose input is {@link MkvReader.Input#KEPT}, a frame split across slices is a view of
 *     each slice instead. Valid during the call only, except views of KEPT input.
 */
public record MkvFrame(int trackNumber, long clusterTimecode, int relativeTimecode, long timecodeNs,
    boolean keyFrame, int flags, long durationTicks, List<ByteBuffer> pieces) {

  public MkvFrame {
    if (pieces.isEmpty()) {
      throw new IllegalArgumentException("a frame has at least one piece (empty for a zero-length frame)");
    }
  }

  /** A frame whose bytes are one buffer. */
  public MkvFrame(int trackNumber, long clusterTimecode, int relativeTimecode, long timecodeNs,
      boolean keyFrame, int flags, long durationTicks, ByteBuffer payload) {
    this(trackNumber, clusterTimecode, relativeTimecode, timecodeNs, keyFrame, flags, durationTicks, List.of(payload));
  }

  /** The frame's size in bytes. */
  public int size() {
    int n = 0;
    for (ByteBuffer p : pieces) {
      n += p.remaining();
    }
    return n;
  }

  /**
   * The frame bytes as one buffer: the only piece itself, or, for a frame in several pieces, a new
   * copy of them made on each call (a consumer that keeps the bytes should reference the pieces).
   */
  public ByteBuffer payload() {
    if (pieces.size() == 1) {
      return pieces.get(0);
    }
    ByteBuffer joined = ByteBuffer.allocate(size());
    for (ByteBuffer p : pieces) {
      joined.put(p.duplicate());
    }
    return joined.flip();
  }
}
