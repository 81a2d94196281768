package io.vidlog.producer.source;

import java.nio.ByteBuffer;

/**
 * One coded frame from a {@link MediaSource}, in the shape a stream's {@code putFrame} takes.
 * Timestamps are nanoseconds on the source's own timeline: a file's timeline usually starts near
 * zero (and may start slightly below it, for example the decode time of an MP4 whose edit list
 * delays presentation), the test-pattern camera's is the wall clock since the epoch.
 *
 * @param track the Matroska track number of the track this frame belongs to (1-based)
 * @param ptsNanos presentation timestamp
 * @param dtsNanos decode timestamp: per track never decreasing, never after {@code ptsNanos}
 *     (derived where the container stores presentation times only, as Matroska does)
 * @param keyFrame whether a decoder can start here (an IDR access unit, a sync sample, a Matroska
 *     key block); audio frames are key frames as their container marks them
 * @param data the frame in Matroska form (H.264/H.265: 4-byte length-prefixed NAL units; AAC: a
 *     raw frame). A buffer of its own: the sink may keep it
 */
public record SourceFrame(int track, long ptsNanos, long dtsNanos, boolean keyFrame, ByteBuffer data) {}
