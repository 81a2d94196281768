package io.vidlog.media.mp4;

import java.nio.ByteBuffer;

/**
 * One sample (access unit) in decode order. H.264/H.265 payloads are length-prefixed NAL units,
 * as Matroska carries them; AAC payloads are raw frames.
 *
 * @param decodeTime DTS in the track timescale
 * @param presentationTime decode time plus the composition offset, in the track timescale
 * @param payload the sample bytes. From {@link FragmentedMp4Demuxer}: a read-only view of the
 *     pushed slice when the sample arrived whole in it (else a fresh array), valid only until the
 *     handler returns, so copy it to keep it. From {@link Mp4FileDemuxer}: a fresh buffer.
 * @param offset byte offset of the sample in the input
 */
public record Mp4Sample(int trackId, long decodeTime, long presentationTime, boolean key,
    ByteBuffer payload, long offset) {}
