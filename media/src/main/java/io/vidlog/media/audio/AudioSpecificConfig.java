package io.vidlog.media.audio;

import static io.vidlog.media.MediaFormatException.Format.AAC;

import io.vidlog.media.MediaFormatException.Format;
import io.vidlog.media.nal.BitReader;
import io.vidlog.media.nal.BitWriter;
import io.vidlog.media.nal.CodecStrings;

/**
 * MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): the {@code esds} DecoderSpecificInfo of
 * MP4 and the CodecPrivate of Matroska {@code A_AAC}. Parsing follows the syntax including the
 * audioObjectType escape (31 → 32 + 6 bits), the explicit 24-bit frequency (index 0xF), explicit
 * hierarchical SBR/PS signalling (object type 5 or 29 first) and backward-compatible signalling
 * (sync extension 0x2B7 after GASpecificConfig, §1.6.6). Program config elements (channel config 0)
 * are not interpreted: {@link #channels()} is 0 then.
 *
 * @param audioObjectType the core object type (2 = AAC LC even for HE-AAC)
 * @param sampleRate the core sampling frequency
 * @param channelConfig channelConfiguration (Table 1.19)
 * @param sbr SBR present (HE-AAC): the output rate is {@code extensionSampleRate}
 * @param ps parametric stereo present (HE-AAC v2): mono core, stereo output
 * @param extensionSampleRate SBR output rate, 0 without SBR
 * @param frameLength960 GASpecificConfig frameLengthFlag (960-sample frames)
 */
public record AudioSpecificConfig(int audioObjectType, int sampleRate, int channelConfig,
    boolean sbr, boolean ps, int extensionSampleRate, boolean frameLength960) {

  public static final int AOT_AAC_LC = 2;
  public static final int AOT_SBR = 5;
  public static final int AOT_PS = 29;
  private static final int SYNC_SBR = 0x2B7;
  private static final int SYNC_PS = 0x548;

  /** Plain AAC LC at a sample rate and channel configuration. */
  public static AudioSpecificConfig aacLc(int sampleRate, int channelConfig) {
    return new AudioSpecificConfig(AOT_AAC_LC, sampleRate, channelConfig, false, false, 0, false);
  }

  /** The rate a decoder outputs (the SBR rate for HE-AAC). */
  public int outputSampleRate() {
    return sbr && extensionSampleRate > 0 ? extensionSampleRate : sampleRate;
  }

  /** Output channel count from channelConfiguration (Table 1.19), PS doubling mono; 0 if unknown. */
  public int channels() {
    int n = switch (channelConfig) {
      case 1, 2, 3, 4, 5, 6 -> channelConfig;
      case 7, 12, 14 -> 8;
      case 11 -> 7;
      case 13 -> 24;
      default -> 0;
    };
    return ps && n == 1 ? 2 : n;
  }

  /** The object type an HLS CODECS attribute names: 29 with PS, 5 with SBR, else the core type. */
  public int signalledObjectType() {
    return ps ? AOT_PS : sbr ? AOT_SBR : audioObjectType;
  }

  public String codecString() {
    return CodecStrings.mp4a(signalledObjectType());
  }

  /** Writes the config; SBR/PS use explicit hierarchical signalling (§1.6.6.2). */
  public byte[] toBytes() {
    BitWriter w = new BitWriter();
    if (sbr || ps) {
      writeAot(w, ps ? AOT_PS : AOT_SBR);
      writeRate(w, sampleRate);
      w.bits(channelConfig, 4);
      writeRate(w, extensionSampleRate > 0 ? extensionSampleRate : 2 * sampleRate);
      writeAot(w, audioObjectType);
    } else {
      writeAot(w, audioObjectType);
      writeRate(w, sampleRate);
      w.bits(channelConfig, 4);
    }
    if (!isGeneralAudio(audioObjectType)) {
      throw AAC.unsupported(0, "writing audioObjectType " + audioObjectType);
    }
    // GASpecificConfig: frameLengthFlag, dependsOnCoreCoder 0, extensionFlag 0
    w.bit(frameLength960).bits(0, 2);
    return w.toByteArray();
  }

  private static void writeAot(BitWriter w, int aot) {
    if (aot >= 31) {
      w.bits(31, 5).bits(aot - 32, 6);
    } else {
      w.bits(aot, 5);
    }
  }

  private static void writeRate(BitWriter w, int rate) {
    int index = SampleRates.index(rate);
    if (index >= 0) {
      w.bits(index, 4);
    } else {
      w.bits(SampleRates.EXPLICIT, 4).bits(rate, 24);
    }
  }

  private static boolean isGeneralAudio(int aot) {
    return switch (aot) {
      case 1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23 -> true;
      default -> false;
    };
  }

  /** Parses a config; errors carry the byte offset of the offending field. */
  public static AudioSpecificConfig parse(byte[] b) {
    if (b.length < 2) {
      throw AAC.malformed(0, "AudioSpecificConfig of " + b.length + " bytes");
    }
    BitReader r = new BitReader(Format.AAC, b);
    int aot = readAot(r);
    int rate = readRate(r);
    int channels = r.readInt(4);
    boolean sbr = false;
    boolean ps = false;
    int extRate = 0;
    if (aot == AOT_SBR || aot == AOT_PS) { // explicit hierarchical signalling
      sbr = true;
      ps = aot == AOT_PS;
      extRate = readRate(r);
      aot = readAot(r);
      if (aot == 22) {
        r.skipBits(4); // extensionChannelConfiguration (ER BSAC)
      }
    }
    boolean frame960 = false;
    if (isGeneralAudio(aot)) {
      frame960 = r.readBit();
      if (r.readBit()) { // dependsOnCoreCoder
        r.skipBits(14);
      }
      boolean extensionFlag = r.readBit();
      if (channels == 0) {
        // program_config_element(): its channel layout is not needed to store or repackage the
        // stream, and what follows it cannot be located without parsing it, so stop here.
        return new AudioSpecificConfig(aot, rate, 0, sbr, ps, extRate, frame960);
      }
      if (aot == 6 || aot == 20) {
        r.skipBits(3); // layerNr
      }
      if (extensionFlag) {
        if (aot == 22) {
          r.skipBits(16);
        } else if (aot == 17 || aot == 19 || aot == 20 || aot == 23) {
          r.skipBits(3);
        }
        r.skipBits(1); // extensionFlag3
      }
    } else {
      // Other object types (CELP, HVXC, ALS, USAC, …) are carried but not described further.
      return new AudioSpecificConfig(aot, rate, channels, sbr, ps, extRate, false);
    }
    if (aot >= 17 && aot <= 27 && aot != 18) {
      r.skipBits(2); // epConfig
    }
    if (!sbr && r.bitsLeft() >= 16) { // backward-compatible signalling (§1.6.6.1)
      if (r.readInt(11) == SYNC_SBR) {
        int extAot = readAot(r);
        if (extAot == AOT_SBR) {
          sbr = r.readBit();
          if (sbr) {
            extRate = readRate(r);
            if (r.bitsLeft() >= 12 && r.readInt(11) == SYNC_PS) {
              ps = r.readBit();
            }
          }
        }
      }
    }
    return new AudioSpecificConfig(aot, rate, channels, sbr, ps, extRate, frame960);
  }

  private static int readAot(BitReader r) {
    int aot = r.readInt(5);
    return aot == 31 ? 32 + r.readInt(6) : aot;
  }

  private static int readRate(BitReader r) {
    int at = r.bytePosition();
    int index = r.readInt(4);
    if (index == SampleRates.EXPLICIT) {
      int rate = r.readInt(24);
      if (rate == 0) {
        throw AAC.malformed(at, "explicit sampling frequency 0");
      }
      return rate;
    }
    int rate = SampleRates.rate(index);
    if (rate < 0) {
      throw AAC.malformed(at, "reserved samplingFrequencyIndex " + index);
    }
    return rate;
  }
}
