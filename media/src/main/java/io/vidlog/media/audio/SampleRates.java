package io.vidlog.media.audio;

/**
 * The MPEG-4 audio samplingFrequencyIndex table (ISO/IEC 14496-3 §1.6.3.4, Table 1.18), shared by
 * AudioSpecificConfig and ADTS headers. Index 0xF means "explicit 24-bit frequency follows".
 */
public final class SampleRates {
  /** The escape index after which a 24-bit frequency is written. */
  public static final int EXPLICIT = 0xF;

  private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050,
      16000, 12000, 11025, 8000, 7350};

  private SampleRates() {}

  /** The rate of an index 0..12, or -1 for reserved indexes 13, 14 and the escape 15. */
  public static int rate(int index) {
    return index >= 0 && index < RATES.length ? RATES[index] : -1;
  }

  /** The index of an exact table rate, or -1 when the rate must be written explicitly. */
  public static int index(int rate) {
    for (int i = 0; i < RATES.length; i++) {
      if (RATES[i] == rate) {
        return i;
      }
    }
    return -1;
  }
}
