package io.vidlog.media.mp4;

import java.nio.ByteBuffer;

/**
 * One sample (access unit) in decode order. H.264/H.265 payloads are length-prefixed NAL units,
 * as Matroska carries them; AAC payloads are raw frames.
 *
 * @param decodeTime DTS in the track timescale
 * @param presentationTime decode time plus the composition offset, in the track timescale
 * @param payload the sample bytes; a read-only view of an input slice when the sample arrived
 *     whole, valid only until the handler returns (copy it to keep it)
 * @param offset byte offset of the sample in the input
 */
public record Mp4Sample(int trackId, long decodeTime, long presentationTime, boolean key,
    ByteBuffer payload, long offset) {}
