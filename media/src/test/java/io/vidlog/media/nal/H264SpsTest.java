package io.vidlog.media.nal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vidlog.media.MediaFormatException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SPS syntax x264 does not emit (scaling lists in the SPS, field coding, POC type 1, 4:4:4 with
 * 12 scaling lists, extended SAR before timing), written with {@link BitWriter} per H.264 §7.3.2.1.1.
 */
class H264SpsTest {

  /** A High 4:4:4 interlaced SPS with every optional part present. */
  static byte[] richSps() {
    BitWriter w = new BitWriter();
    w.bits(0x67, 8).bits(244, 8).bits(0, 8).bits(41, 8);
    w.ue(3); // sps id
    w.ue(3).bit(false); // chroma 4:4:4, no separate planes
    w.ue(2).ue(2); // 10-bit
    w.bit(false);
    w.bit(true); // seq_scaling_matrix_present_flag: 12 lists for 4:4:4
    for (int i = 0; i < 12; i++) {
      w.bit(i % 3 != 2);
      if (i % 3 != 2) {
        int size = i < 6 ? 16 : 64;
        for (int j = 0; j < size; j++) {
          w.se(j == 0 ? 8 : (j % 2 == 0 ? 1 : -1)); // non-zero values: every delta is read
        }
      }
    }
    w.ue(0);
    w.ue(1).bit(false).se(-3).se(5).ue(3).se(1).se(-2).se(7); // POC type 1 with a 3-entry cycle
    w.ue(4).bit(false);
    w.ue(119); // 1920 wide
    w.ue(33); // 34 map units × 2 (fields) × 16 = 1088
    w.bit(false).bit(true); // field coding with MBAFF
    w.bit(true);
    w.bit(true).ue(0).ue(0).ue(0).ue(4); // crop 4 × (1 × 2) = 8 → 1080 (4:4:4: CropUnitY = 1 × 2)
    w.bit(true); // VUI
    w.bit(true).bits(255, 8).bits(4, 16).bits(3, 16); // Extended_SAR
    w.bit(false);
    w.bit(true).bits(5, 3).bit(false).bit(true).bits(1, 8).bits(1, 8).bits(1, 8);
    w.bit(true).ue(1).ue(1);
    w.bit(true).bits(1001, 32).bits(60000, 32).bit(true);
    w.bits(1, 1); // rbsp stop bit (rest of VUI omitted: the parser stops after timing)
    return Rbsp.escape(w.toByteArray());
  }

  @Test
  void parsesEveryOptionalPart() {
    H264Sps s = H264Sps.parse(richSps());
    assertEquals(new H264Sps(244, 0, 41, 3, 3, 10, 10, false, 1920, 1080, 60000, 2002), s);
    assertEquals(29.97, s.frameRate(), 0.01);
    AvcConfig c = AvcConfig.of(List.of(richSps()), List.of(new byte[] {0x68, 1}));
    assertEquals("avc1.f40029", c.codecString());
    assertEquals(-1, c.chromaFormat()); // profile 244 is not one of 100/110/122/144
  }

  @Test
  void emulationPreventionIsRemovedBeforeParsing() {
    byte[] rbsp = {0x67, 0x42, 0, 0, 1, 2};
    byte[] escaped = Rbsp.escape(rbsp);
    assertArrayEquals(new byte[] {0x67, 0x42, 0, 0, 3, 1, 2}, escaped);
    assertArrayEquals(rbsp, Rbsp.unescape(escaped));
  }

  @Test
  void truncatedAndInvalidSpsAreMalformed() {
    byte[] sps = richSps();
    for (int len = 0; len < 40; len++) {
      byte[] cut = Arrays.copyOf(sps, len);
      MediaFormatException e = assertThrows(MediaFormatException.class, () -> H264Sps.parse(cut),
          "length " + len);
      assertEquals(MediaFormatException.Kind.MALFORMED, e.kind());
      assertEquals(MediaFormatException.Format.H264, e.format());
    }
    assertThrows(MediaFormatException.class, () -> H264Sps.parse(new byte[] {0x68, 0x42, 0, 0x1e, 0}));
    // 40 leading zero bits: an Exp-Golomb code that cannot fit
    byte[] huge = {0x67, 66, 0, 30, 0, 0, 0, 0, 0, 1};
    assertThrows(MediaFormatException.class, () -> H264Sps.parse(huge));
    assertEquals(MediaFormatException.Kind.MALFORMED,
        assertThrows(MediaFormatException.class, () -> AvcConfig.parse(new byte[] {1, 0x64, 0, 0x1f, -1, -31, 0, 30})).kind());
    MediaFormatException vp9 = assertThrows(MediaFormatException.class,
        () -> CodecPrivate.describe("V_VP9", new byte[1]));
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, vp9.kind());
    assertEquals(MediaFormatException.Format.MKV, vp9.format());
    assertEquals("MKV: CodecID V_VP9", vp9.getMessage());
    MediaFormatException missing = assertThrows(MediaFormatException.class,
        () -> CodecPrivate.describe("V_MPEG/ISO/AVC", null));
    assertEquals(MediaFormatException.Kind.MALFORMED, missing.kind());
    assertEquals(MediaFormatException.Format.H264, missing.format());
  }

  @Test
  void avcConfigToleratesABrokenHighProfileExtension() {
    byte[] sps = richSps();
    sps[1] = 100; // High: the record gets the chroma/bit-depth extension
    byte[] good = new AvcConfig(100, 0, 41, 4, List.of(sps), List.of(new byte[] {0x68, 1}), 1, 8, 8,
        List.of()).toBytes();
    assertEquals(1, AvcConfig.parse(good).chromaFormat());
    byte[] tail = Arrays.copyOf(good, good.length);
    tail[tail.length - 1] = 9; // numOfSequenceParameterSetExt 9, no data: ignored like ffmpeg does
    AvcConfig parsed = AvcConfig.parse(tail);
    assertEquals(-1, parsed.chromaFormat());
    assertArrayEquals(sps, parsed.sps().get(0));
  }

  @Test
  void bitReaderRoundTripsExpGolomb() {
    BitWriter w = new BitWriter();
    int[] values = {0, 1, 2, 3, 7, 8, 255, 65535, 1 << 20, Integer.MAX_VALUE - 1};
    for (int v : values) {
      w.ue(v).se(-v / 2).se(v / 2);
    }
    BitReader r = new BitReader(MediaFormatException.Format.H264, w.toByteArray());
    for (int v : values) {
      assertEquals(v, r.readUe());
      assertEquals(-v / 2, r.readSe());
      assertEquals(v / 2, r.readSe());
    }
  }
}
