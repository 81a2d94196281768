/**
 * MPEG-2 transport stream output (ISO/IEC 13818-1; RFC 8216 §3.2, HLS's MPEG_TS container): one
 * stored Matroska fragment becomes one self-contained segment, every track muxed.
 *
 * <pre>{@code
 * MkvFragmentTsRepackager r = new MkvFragmentTsRepackager();
 * MkvReader reader = new MkvReader(r);
 * for (ByteBuffer slice : decryptedSlices) reader.feed(slice);   // slices may be dropped after
 * reader.end();
 * byte[] ts = r.segment(timeOffsetNs);   // PAT, PMT, then a PES per frame; its length is the Content-Length
 * }</pre>
 *
 * <p>Carried: the first H.264 (stream_type 0x1B) or H.265 (0x24) track, as Annex-B access units
 * with an access unit delimiter and the parameter sets before each key frame, and the first AAC
 * track (0x0F) with an ADTS header per frame. Timestamps: 90 kHz, 33 bits, the frame timestamps
 * plus the offset, video decode times ahead by the B-frame reordering delay (as in the fMP4
 * segments of {@code io.vidlog.media.fmp4}); PCR on the video PID. See
 * {@link io.vidlog.media.ts.TsSegmentBuilder}.
 */
package io.vidlog.media.ts;
