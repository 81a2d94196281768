package io.vidlog.media.nal;

import static io.vidlog.media.MediaFormatException.Format.H264;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.MediaFormatException.Format;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1): the {@code avcC} box payload of MP4
 * and the CodecPrivate of Matroska {@code V_MPEG4/ISO/AVC}. Parameter sets are NAL units with their
 * header byte and emulation-prevention bytes. The chroma/bit-depth extension is written for the
 * profiles that require it (100, 110, 122, 144) and read when present.
 *
 * @param lengthSize NAL length field size of the samples, 1, 2 or 4 (lengthSizeMinusOne + 1)
 * @param chromaFormat chroma_format_idc, -1 when the record has no extension
 */
public record AvcConfig(int profileIdc, int profileCompatibility, int levelIdc, int lengthSize,
    List<byte[]> sps, List<byte[]> pps, int chromaFormat, int bitDepthLuma, int bitDepthChroma,
    List<byte[]> spsExt) {

  public AvcConfig {
    sps = List.copyOf(sps);
    pps = List.copyOf(pps);
    spsExt = List.copyOf(spsExt);
  }

  /** Builds a record with 4-byte lengths from SPS and PPS NAL units; the first SPS sets the header. */
  public static AvcConfig of(List<byte[]> sps, List<byte[]> pps) {
    if (sps.isEmpty() || pps.isEmpty()) {
      throw H264.malformed(0, "AVC configuration needs at least one SPS and one PPS");
    }
    H264Sps s = H264Sps.parse(sps.get(0));
    boolean ext = hasExtension(s.profileIdc());
    return new AvcConfig(s.profileIdc(), s.constraintFlags(), s.levelIdc(), 4, sps, pps,
        ext ? s.chromaFormatIdc() : -1, s.bitDepthLuma(), s.bitDepthChroma(), List.of());
  }

  /**
   * Builds a record from the SPS and PPS among {@code nals} (for example an IDR access unit from
   * an Annex-B encoder, split with {@link NalUnits#splitAnnexB}); other NAL units are ignored.
   */
  public static AvcConfig fromNalUnits(List<java.nio.ByteBuffer> nals) {
    List<byte[]> sps = new ArrayList<>();
    List<byte[]> pps = new ArrayList<>();
    for (java.nio.ByteBuffer n : nals) {
      if (n.hasRemaining()) {
        int type = NalUnits.h264Type(n);
        if (type == NalUnits.H264_SPS || type == NalUnits.H264_PPS) {
          byte[] b = new byte[n.remaining()];
          n.duplicate().get(b);
          (type == NalUnits.H264_SPS ? sps : pps).add(b);
        }
      }
    }
    return of(sps, pps);
  }

  /** The first SPS, parsed. */
  public H264Sps parsedSps() {
    if (sps.isEmpty()) {
      throw H264.malformed(5, "AVC configuration without SPS");
    }
    return H264Sps.parse(sps.get(0));
  }

  /** RFC 6381 codec string, e.g. {@code avc1.64001f}. */
  public String codecString() {
    return CodecStrings.avc1(profileIdc, profileCompatibility, levelIdc);
  }

  private static boolean hasExtension(int profile) {
    return profile == 100 || profile == 110 || profile == 122 || profile == 144;
  }

  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1); // configurationVersion
    out.write(profileIdc);
    out.write(profileCompatibility);
    out.write(levelIdc);
    out.write(0xFC | (lengthSize - 1));
    if (sps.size() > 31 || pps.size() > 255 || spsExt.size() > 255) {
      throw H264.unsupported(5, "too many parameter sets: " + sps.size() + " SPS, "
          + pps.size() + " PPS");
    }
    out.write(0xE0 | sps.size());
    writeNals(out, sps);
    out.write(pps.size());
    writeNals(out, pps);
    if (hasExtension(profileIdc) && chromaFormat >= 0) {
      out.write(0xFC | chromaFormat);
      out.write(0xF8 | (bitDepthLuma - 8));
      out.write(0xF8 | (bitDepthChroma - 8));
      out.write(spsExt.size());
      writeNals(out, spsExt);
    }
    return out.toByteArray();
  }

  private static void writeNals(ByteArrayOutputStream out, List<byte[]> nals) {
    for (byte[] n : nals) {
      if (n.length > 0xFFFF) {
        throw H264.unsupported(0, "parameter set of " + n.length + " bytes");
      }
      out.write(n.length >> 8);
      out.write(n.length);
      out.writeBytes(n);
    }
  }

  /** Parses a record; offsets in errors are within {@code b}. */
  public static AvcConfig parse(byte[] b) {
    ByteCursor c = new ByteCursor(Format.H264, b, "AVCDecoderConfigurationRecord");
    int version = c.u8();
    if (version != 1) {
      throw H264.malformed(0, "AVC configurationVersion " + version);
    }
    int profile = c.u8();
    int compat = c.u8();
    int level = c.u8();
    int lengthSize = (c.u8() & 3) + 1;
    if (lengthSize == 3) {
      throw H264.malformed(4, "lengthSizeMinusOne 2");
    }
    List<byte[]> sps = c.nals(c.u8() & 0x1F);
    List<byte[]> pps = c.nals(c.u8());
    int chroma = -1;
    int depthLuma = 8;
    int depthChroma = 8;
    List<byte[]> ext = new ArrayList<>();
    // Older muxers omit the extension even for High profiles, and some leave other bytes there:
    // like ffmpeg, read it only when it is present and well formed, else ignore the tail.
    if (hasExtension(profile) && c.remaining() >= 4) {
      try {
        chroma = c.u8() & 3;
        depthLuma = (c.u8() & 7) + 8;
        depthChroma = (c.u8() & 7) + 8;
        ext = c.nals(c.u8());
      } catch (MediaFormatException e) {
        chroma = -1;
        depthLuma = 8;
        depthChroma = 8;
        ext = new ArrayList<>();
      }
    }
    return new AvcConfig(profile, compat, level, lengthSize, sps, pps, chroma, depthLuma,
        depthChroma, ext);
  }
}
