/**
 * H.264/H.265 bitstream helpers: Annex-B ↔ AVCC conversion (push-driven and one-shot), NAL unit
 * iteration, SPS parsing, AVC/HEVC decoder configuration records (ISO/IEC 14496-15), RFC 6381
 * codec strings, and {@link io.vidlog.media.nal.CodecPrivate}, which reads a Matroska CodecID +
 * CodecPrivate pair (H.264, H.265, AAC). Failures are
 * {@link io.vidlog.media.MediaFormatException}s of format H264, H265, NAL or AAC.
 */
package io.vidlog.media.nal;

import io.vidlog.media.MediaFormatException;
