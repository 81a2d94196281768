package io.vidlog.media.mkv;

import java.nio.ByteBuffer;

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
 * @param payload the frame bytes: a view of the input where the frame arrived in one slice, or
 *     assembled once into a buffer bounded by {@link MkvLimits#maxFrameSize()}; valid during the call only
 */
public record MkvFrame(int trackNumber, long clusterTimecode, int relativeTimecode, long timecodeNs,
    boolean keyFrame, int flags, long durationTicks, ByteBuffer payload) {}
