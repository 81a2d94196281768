package io.vidlog.media.nal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SPS/PPS/VPS from libx264/libx265 (see codec/README.md) against what ffprobe reported for the same
 * streams (codec-golden.txt), and codec strings derived by hand from the parameter-set bytes.
 */
class ParameterSetFixturesTest {
  private static final Map<String, Map<String, String>> GOLDEN = Fixtures.codecGolden();

  @ParameterizedTest
  @CsvSource({
      "avc-baseline-320x180, avc1.42c00c",
      "avc-main-640x360, avc1.4d401e",
      "avc-high-1920x1080, avc1.640028",
      "avc-high-64x48, avc1.64000a",
      "avc-high-ntsc-352x240, avc1.64000d",
      "avc-high444-cqm-176x144, avc1.f4000b",
      "avc-high10-320x240, avc1.6e000d",
      "avc-high422-322x242, avc1.7a000d"})
  void h264MatchesFfprobe(String name, String codecString) {
    Map<String, String> want = GOLDEN.get(name);
    List<ByteBuffer> nals = NalUnits.splitAnnexB(ByteBuffer.wrap(Fixtures.resource("/codec/" + name + ".annexb")));
    List<byte[]> sps = new ArrayList<>();
    List<byte[]> pps = new ArrayList<>();
    for (ByteBuffer n : nals) {
      (NalUnits.h264Type(n) == NalUnits.H264_SPS ? sps : pps).add(bytes(n));
    }
    assertEquals(1, sps.size());
    assertEquals(1, pps.size());
    H264Sps s = H264Sps.parse(sps.get(0));
    assertEquals(Integer.parseInt(want.get("width")), s.width());
    assertEquals(Integer.parseInt(want.get("height")), s.height());
    assertEquals(Integer.parseInt(want.get("level")), s.levelIdc());
    assertEquals(h264Profile(want.get("profile")), s.profileIdc());
    assertPixFmt(want.get("pix_fmt"), s.chromaFormatIdc(), s.bitDepthLuma());
    assertEquals(want.get("r_frame_rate"), reduce(s.frameRateNum(), s.frameRateDen()));

    AvcConfig built = AvcConfig.of(sps, pps);
    assertEquals(codecString, built.codecString());
    AvcConfig back = AvcConfig.parse(built.toBytes());
    assertArrayEquals(built.toBytes(), back.toBytes());
    assertArrayEquals(sps.get(0), back.sps().get(0));
    assertArrayEquals(pps.get(0), back.pps().get(0));
    assertEquals(s.bitDepthLuma(), back.bitDepthLuma());
    for (String id : List.of("V_MPEG4/ISO/AVC", "V_MPEG/ISO/AVC")) {
      CodecDescription d = CodecPrivate.describe(id, built.toBytes());
      assertEquals(new CodecDescription(CodecDescription.Codec.H264, "V_MPEG4/ISO/AVC", codecString,
          s.width(), s.height(), 4, s.frameRate(), 0, 0), d);
    }
  }

  @ParameterizedTest
  @CsvSource({
      "hevc-main-320x180, hvc1.1.6.L60.90",
      "hevc-main-1920x1080, hvc1.1.6.L120.90",
      "hevc-main10-352x288, hvc1.2.4.L60.90",
      "hevc-rext444-64x64, hvc1.4.10.L30.9E.8"})
  void h265MatchesFfprobe(String name, String codecString) {
    Map<String, String> want = GOLDEN.get(name);
    List<ByteBuffer> nals = NalUnits.splitAnnexB(ByteBuffer.wrap(Fixtures.resource("/codec/" + name + ".annexb")));
    List<byte[]> vps = new ArrayList<>();
    List<byte[]> sps = new ArrayList<>();
    List<byte[]> pps = new ArrayList<>();
    for (ByteBuffer n : nals) {
      int t = NalUnits.h265Type(n);
      (t == NalUnits.H265_VPS ? vps : t == NalUnits.H265_SPS ? sps : pps).add(bytes(n));
    }
    assertEquals(List.of(1, 1, 1), List.of(vps.size(), sps.size(), pps.size()));
    H265Sps s = H265Sps.parse(sps.get(0));
    assertEquals(Integer.parseInt(want.get("width")), s.width());
    assertEquals(Integer.parseInt(want.get("height")), s.height());
    assertEquals(Integer.parseInt(want.get("level")), s.profile().levelIdc());
    assertEquals(h265Profile(want.get("profile")), s.profile().profileIdc());
    assertPixFmt(want.get("pix_fmt"), s.chromaFormatIdc(), s.bitDepthLuma());

    HevcConfig built = HevcConfig.of(vps, sps, pps);
    assertEquals(codecString, built.codecString());
    HevcConfig back = HevcConfig.parse(built.toBytes());
    assertArrayEquals(built.toBytes(), back.toBytes());
    assertEquals(built.profile(), back.profile());
    assertArrayEquals(vps.get(0), back.nals(NalUnits.H265_VPS).get(0));
    assertEquals(s.chromaFormatIdc(), back.chromaFormat());
    for (String id : List.of("V_MPEGH/ISO/HEVC", "V_MPEG/ISO/HEVC")) {
      CodecDescription d = CodecPrivate.describe(id, built.toBytes());
      assertEquals(CodecDescription.Codec.H265, d.codec());
      assertEquals("V_MPEGH/ISO/HEVC", d.codecId());
      assertEquals(codecString, d.codecString());
      assertEquals(s.width(), d.width());
      assertEquals(s.height(), d.height());
    }
    assertTrue(NalUnits.isH265Irap(NalUnits.joinAvcc(List.of(ByteBuffer.wrap(new byte[] {0x26, 1, 5}))), 4));
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static void assertPixFmt(String pixFmt, int chroma, int depth) {
    int wantChroma = pixFmt.startsWith("yuv420") ? 1 : pixFmt.startsWith("yuv422") ? 2 : 3;
    assertEquals(wantChroma, chroma, pixFmt);
    assertEquals(pixFmt.contains("10le") ? 10 : 8, depth, pixFmt);
  }

  private static int h264Profile(String name) {
    return switch (name) {
      case "Constrained Baseline", "Baseline" -> 66;
      case "Main" -> 77;
      case "High" -> 100;
      case "High 10" -> 110;
      case "High 4:2:2" -> 122;
      case "High 4:4:4 Predictive" -> 244;
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static int h265Profile(String name) {
    return switch (name) {
      case "Main" -> 1;
      case "Main 10" -> 2;
      case "Rext" -> 4;
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static String reduce(long num, long den) {
    long a = num;
    long b = den;
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return num / a + "/" + den / a;
  }
}
