package io.vidlog.media.audio;

import static io.vidlog.media.MediaFormatException.Format.AAC;

import java.nio.ByteBuffer;

/**
 * An ADTS frame header (ISO/IEC 14496-3 §1.A.2.2.1), which some producers put in front of each AAC
 * frame. Matroska and MP4 carry raw frames plus an AudioSpecificConfig instead, so a reader strips
 * {@link #headerLength()} bytes and derives the config with {@link #toAudioSpecificConfig()}.
 *
 * @param frameLength aac_frame_length: header plus payload, in bytes
 * @param rawDataBlocks number_of_raw_data_blocks_in_frame + 1
 */
public record AdtsHeader(boolean mpeg2, boolean protectionAbsent, int audioObjectType,
    int samplingFrequencyIndex, int channelConfig, int frameLength, int bufferFullness,
    int rawDataBlocks) {

  /** Smallest header (no CRC). */
  public static final int MIN_LENGTH = 7;

  /** 7 bytes, or 9 with the CRC. */
  public int headerLength() {
    return protectionAbsent ? 7 : 9;
  }

  public int sampleRate() {
    return SampleRates.rate(samplingFrequencyIndex);
  }

  public AudioSpecificConfig toAudioSpecificConfig() {
    return new AudioSpecificConfig(audioObjectType, sampleRate(), channelConfig, false, false, 0,
        false);
  }

  /** True when {@code b} at its position starts with the 12-bit ADTS syncword 0xFFF (layer 0). */
  public static boolean looksLikeAdts(ByteBuffer b) {
    int p = b.position();
    return b.remaining() >= 2 && (b.get(p) & 0xFF) == 0xFF && (b.get(p + 1) & 0xF6) == 0xF0;
  }

  /** Parses the header at {@code b.position()} (not moved); needs 7 bytes. */
  public static AdtsHeader parse(ByteBuffer b) {
    if (b.remaining() < MIN_LENGTH) {
      throw AAC.malformed(0, "ADTS header needs 7 bytes, " + b.remaining() + " left");
    }
    int p = b.position();
    long h = 0;
    for (int i = 0; i < 7; i++) {
      h = (h << 8) | (b.get(p + i) & 0xFF);
    }
    if ((h >>> 44) != 0xFFF) {
      throw AAC.malformed(0, String.format("ADTS syncword 0x%03x", h >>> 44));
    }
    int layer = (int) (h >>> 41 & 3);
    if (layer != 0) {
      throw AAC.malformed(1, "ADTS layer " + layer);
    }
    boolean mpeg2 = (h >>> 43 & 1) != 0;
    boolean protectionAbsent = (h >>> 40 & 1) != 0;
    int aot = (int) (h >>> 38 & 3) + 1;
    int sfi = (int) (h >>> 34 & 0xF);
    if (SampleRates.rate(sfi) < 0) {
      throw AAC.malformed(2, "ADTS sampling_frequency_index " + sfi);
    }
    int channels = (int) (h >>> 30 & 7);
    int frameLength = (int) (h >>> 13 & 0x1FFF);
    int fullness = (int) (h >>> 2 & 0x7FF);
    int blocks = (int) (h & 3) + 1;
    int headerLength = protectionAbsent ? 7 : 9;
    if (frameLength < headerLength) {
      throw AAC.malformed(3, "ADTS aac_frame_length " + frameLength
          + " shorter than its header");
    }
    return new AdtsHeader(mpeg2, protectionAbsent, aot, sfi, channels, frameLength, fullness,
        blocks);
  }
}
