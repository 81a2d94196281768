/**
 * MPEG-4 audio configuration (ISO/IEC 14496-3): AudioSpecificConfig parse/build, ADTS headers and
 * the sampling-frequency table. Uses the bit reader of
 * {@code io.vidlog.media.nal}; failures are {@code MediaFormatException}s of format AAC.
 */
package io.vidlog.media.audio;

import io.vidlog.media.MediaFormatException;
