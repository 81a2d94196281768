package io.vidlog.media.nal;

import static io.vidlog.media.MediaFormatException.Format.H265;

import io.vidlog.media.MediaFormatException.Format;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1): the {@code hvcC} box payload of MP4
 * and the CodecPrivate of Matroska {@code V_MPEGH/ISO/HEVC}.
 *
 * @param lengthSize NAL length field size of the samples, 1, 2 or 4
 * @param arrays the parameter-set arrays (VPS, SPS, PPS, SEI), in record order
 */
public record HevcConfig(HevcProfile profile, int minSpatialSegmentation, int parallelismType,
    int chromaFormat, int bitDepthLuma, int bitDepthChroma, int avgFrameRate,
    int constantFrameRate, int numTemporalLayers, boolean temporalIdNested, int lengthSize,
    List<NalArray> arrays) {

  /** One array of the record: NAL units of one type. */
  public record NalArray(boolean complete, int nalType, List<byte[]> nals) {
    public NalArray {
      nals = List.copyOf(nals);
    }
  }

  public HevcConfig {
    arrays = List.copyOf(arrays);
  }

  /** Builds a record with 4-byte lengths; the first SPS sets the header fields. */
  public static HevcConfig of(List<byte[]> vps, List<byte[]> sps, List<byte[]> pps) {
    if (vps.isEmpty() || sps.isEmpty() || pps.isEmpty()) {
      throw H265.malformed(0, "HEVC configuration needs a VPS, an SPS and a PPS");
    }
    H265Sps s = H265Sps.parse(sps.get(0));
    List<NalArray> arrays = List.of(new NalArray(true, NalUnits.H265_VPS, vps),
        new NalArray(true, NalUnits.H265_SPS, sps), new NalArray(true, NalUnits.H265_PPS, pps));
    return new HevcConfig(s.profile(), 0, 0, s.chromaFormatIdc(), s.bitDepthLuma(),
        s.bitDepthChroma(), 0, 0, s.maxSubLayers(), s.temporalIdNesting(), 4, arrays);
  }

  /** Builds a record from the VPS, SPS and PPS among {@code nals}; other NAL units are ignored. */
  public static HevcConfig fromNalUnits(List<java.nio.ByteBuffer> nals) {
    List<byte[]> vps = new ArrayList<>();
    List<byte[]> sps = new ArrayList<>();
    List<byte[]> pps = new ArrayList<>();
    for (java.nio.ByteBuffer n : nals) {
      if (n.remaining() >= 2) {
        int type = NalUnits.h265Type(n);
        List<byte[]> to = type == NalUnits.H265_VPS ? vps : type == NalUnits.H265_SPS ? sps
            : type == NalUnits.H265_PPS ? pps : null;
        if (to != null) {
          byte[] b = new byte[n.remaining()];
          n.duplicate().get(b);
          to.add(b);
        }
      }
    }
    return of(vps, sps, pps);
  }

  /** The NAL units of one type, in record order. */
  public List<byte[]> nals(int nalType) {
    List<byte[]> out = new ArrayList<>();
    for (NalArray a : arrays) {
      if (a.nalType() == nalType) {
        out.addAll(a.nals());
      }
    }
    return out;
  }

  /** The first SPS, parsed. */
  public H265Sps parsedSps() {
    List<byte[]> sps = nals(NalUnits.H265_SPS);
    if (sps.isEmpty()) {
      throw H265.malformed(22, "HEVC configuration without SPS");
    }
    return H265Sps.parse(sps.get(0));
  }

  /** Codec string for the {@code hvc1} sample entry (parameter sets out of band). */
  public String codecString() {
    return CodecStrings.hvc1("hvc1", profile);
  }

  public byte[] toBytes() {
    BitWriter w = new BitWriter();
    w.bits(1, 8);
    profile.write(w);
    w.bits(0xF, 4).bits(minSpatialSegmentation, 12);
    w.bits(0x3F, 6).bits(parallelismType, 2);
    w.bits(0x3F, 6).bits(chromaFormat, 2);
    w.bits(0x1F, 5).bits(bitDepthLuma - 8, 3);
    w.bits(0x1F, 5).bits(bitDepthChroma - 8, 3);
    w.bits(avgFrameRate, 16);
    w.bits(constantFrameRate, 2).bits(numTemporalLayers, 3).bit(temporalIdNested)
        .bits(lengthSize - 1, 2);
    if (arrays.size() > 255) {
      throw H265.unsupported(22, arrays.size() + " NAL arrays");
    }
    w.bits(arrays.size(), 8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(w.toByteArray());
    for (NalArray a : arrays) {
      out.write((a.complete() ? 0x80 : 0) | (a.nalType() & 0x3F));
      out.write(a.nals().size() >> 8);
      out.write(a.nals().size());
      for (byte[] n : a.nals()) {
        if (n.length > 0xFFFF) {
          throw H265.unsupported(0, "parameter set of " + n.length + " bytes");
        }
        out.write(n.length >> 8);
        out.write(n.length);
        out.writeBytes(n);
      }
    }
    return out.toByteArray();
  }

  /** Parses a record; offsets in errors are within {@code b}. */
  public static HevcConfig parse(byte[] b) {
    if (b.length < 23) {
      throw H265.malformed(b.length, "HEVCDecoderConfigurationRecord of " + b.length
          + " bytes (minimum 23)");
    }
    if (b[0] != 1) {
      throw H265.malformed(0, "HEVC configurationVersion " + (b[0] & 0xFF));
    }
    BitReader r = new BitReader(Format.H265, b, 1, 21);
    HevcProfile profile = HevcProfile.read(r);
    r.skipBits(4);
    int minSeg = r.readInt(12);
    r.skipBits(6);
    int parallelism = r.readInt(2);
    r.skipBits(6);
    int chroma = r.readInt(2);
    r.skipBits(5);
    int depthLuma = r.readInt(3) + 8;
    r.skipBits(5);
    int depthChroma = r.readInt(3) + 8;
    int avgFrameRate = r.readInt(16);
    int constant = r.readInt(2);
    int layers = r.readInt(3);
    boolean nested = r.readBit();
    int lengthSize = r.readInt(2) + 1;
    if (lengthSize == 3) {
      throw H265.malformed(21, "lengthSizeMinusOne 2");
    }
    ByteCursor c = new ByteCursor(Format.H265, b, "HEVCDecoderConfigurationRecord");
    c.bytes(22);
    int count = c.u8();
    List<NalArray> arrays = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int head = c.u8();
      int n = c.u16();
      arrays.add(new NalArray((head & 0x80) != 0, head & 0x3F, c.nals(n)));
    }
    return new HevcConfig(profile, minSeg, parallelism, chroma, depthLuma, depthChroma,
        avgFrameRate, constant, layers, nested, lengthSize, arrays);
  }
}
