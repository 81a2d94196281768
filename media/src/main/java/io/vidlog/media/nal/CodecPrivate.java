package io.vidlog.media.nal;

import static io.vidlog.media.MediaFormatException.Format.MKV;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.MediaFormatException.Format;
import io.vidlog.media.audio.AudioSpecificConfig;
import java.util.Locale;

/**
 * Reads a Matroska CodecID + CodecPrivate pair (RFC 9559 §5.1.4.1.21-22; codec mappings in the
 * Matroska codec specs) into a {@link CodecDescription}. KVS documents misspell the IDs
 * ({@code V_MPEG/ISO/AVC}, {@code V_MPEG/ISO/HEVC}, docs/wire-protocol.md §3), so both spellings are accepted
 * and the Matroska-correct one is reported. Missing or unparsable private data fails with a
 * {@link MediaFormatException} of the codec's format (MALFORMED for bad bytes); another CodecID
 * is UNSUPPORTED (format MKV: the id is Matroska's).
 */
public final class CodecPrivate {
  public static final String AVC = "V_MPEG4/ISO/AVC";
  public static final String HEVC = "V_MPEGH/ISO/HEVC";
  public static final String AAC = "A_AAC";

  private CodecPrivate() {}

  /** The Matroska-correct CodecID for any accepted spelling, or null for other codecs. */
  public static String canonicalCodecId(String codecId) {
    if (codecId == null) {
      return null;
    }
    return switch (codecId.toUpperCase(Locale.ROOT)) {
      case AVC, "V_MPEG/ISO/AVC" -> AVC;
      case HEVC, "V_MPEG/ISO/HEVC", "V_MPEG4/ISO/HEVC" -> HEVC;
      // A_AAC/MPEG4/LC etc. are the deprecated Matroska AAC IDs; their CodecPrivate is the same ASC
      default -> codecId.toUpperCase(Locale.ROOT).startsWith("A_AAC") ? AAC : null;
    };
  }

  private static Format format(String canonicalId) {
    return switch (canonicalId) {
      case AVC -> Format.H264;
      case HEVC -> Format.H265;
      default -> Format.AAC;
    };
  }

  /** Describes the track, or throws {@link MediaFormatException}. */
  public static CodecDescription describe(String codecId, byte[] codecPrivate) {
    String id = canonicalCodecId(codecId);
    if (id == null) {
      throw MKV.unsupported(MediaFormatException.UNKNOWN_OFFSET, "CodecID " + codecId);
    }
    if (codecPrivate == null || codecPrivate.length == 0) {
      throw format(id).malformed(0, "missing CodecPrivate for " + codecId);
    }
    switch (id) {
      case AVC -> {
        AvcConfig c = AvcConfig.parse(codecPrivate);
        H264Sps s = c.parsedSps();
        return new CodecDescription(CodecDescription.Codec.H264, id, c.codecString(), s.width(),
            s.height(), c.lengthSize(), s.frameRate(), 0, 0);
      }
      case HEVC -> {
        HevcConfig c = HevcConfig.parse(codecPrivate);
        H265Sps s = c.parsedSps();
        return new CodecDescription(CodecDescription.Codec.H265, id, c.codecString(), s.width(),
            s.height(), c.lengthSize(), Double.NaN, 0, 0);
      }
      default -> {
        AudioSpecificConfig a = AudioSpecificConfig.parse(codecPrivate);
        return new CodecDescription(CodecDescription.Codec.AAC, id, a.codecString(), 0, 0, 0,
            Double.NaN, a.outputSampleRate(), a.channels());
      }
    }
  }
}
