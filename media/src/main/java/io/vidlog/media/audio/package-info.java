/**
 * MPEG-4 audio configuration (ISO/IEC 14496-3): AudioSpecificConfig parse/build, ADTS headers and
 * the sampling-frequency table. Uses the bit readers and {@code CodecException} of
 * {@code io.vidlog.media.nal}.
 */
package io.vidlog.media.audio;
