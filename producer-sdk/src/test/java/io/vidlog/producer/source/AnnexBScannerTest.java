package io.vidlog.producer.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnexBScannerTest {
  /**
   * Leading zeros, 4- and 3-byte start codes, trailing zeros before a start code, an emulation
   * prevention byte (00 00 03 01, which is NAL content), an empty NAL unit between two start codes
   * and trailing zeros at the end.
   */
  private static final byte[] STREAM = HexFormat.of().parseHex(
      "0000" + "00000001" + "6742c01e" + "000001" + "68ce3c80" + "0000" + "00000001" + "65888400000301ff"
          + "000001" + "000001" + "41e2" + "000000");

  private static final List<String> NALS = List.of("6742c01e@6", "68ce3c80@13", "65888400000301ff@23",
      "41e2@37");

  @Test
  void splitsAtEveryStartCodeAtEverySplitSize() {
    for (int split = 1; split <= STREAM.length; split++) {
      assertEquals(NALS, scan(STREAM, split), "split size " + split);
    }
  }

  @Test
  void splitsInTwoAtEveryOffset() {
    for (int at = 0; at <= STREAM.length; at++) {
      List<String> got = new ArrayList<>();
      AnnexBScanner s = new AnnexBScanner((nal, offset) -> got.add(HexFormat.of().formatHex(nal) + "@" + offset), 1024);
      s.push(ByteBuffer.wrap(STREAM, 0, at));
      s.push(ByteBuffer.wrap(STREAM, at, STREAM.length - at));
      s.end();
      assertEquals(NALS, got, "split at " + at);
    }
  }

  @Test
  void refusesBytesBeforeTheFirstStartCodeNamingTheOffset() {
    byte[] in = HexFormat.of().parseHex("0000ff00000001");
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> scan(in, 1));
    assertEquals(MediaFormatException.Kind.MALFORMED, e.kind());
    assertEquals(2, e.offset());
    assertTrue(e.getMessage().contains("0xff"), e.getMessage());
  }

  @Test
  void refusesInputWithoutStartCode() {
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> scan(new byte[5], 2));
    assertTrue(e.getMessage().contains("no Annex-B start code"), e.getMessage());
  }

  @Test
  void refusesANalUnitOverTheLimitBeforeBufferingIt() {
    byte[] in = new byte[4 + 100];
    in[3] = 1;
    java.util.Arrays.fill(in, 4, in.length, (byte) 0x41);
    List<String> got = new ArrayList<>();
    AnnexBScanner s = new AnnexBScanner((nal, offset) -> got.add("nal"), 64);
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> s.push(ByteBuffer.wrap(in)));
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
    assertEquals(4, e.offset());
    assertThrows(IllegalStateException.class, () -> s.push(ByteBuffer.wrap(in)), "no input after a failure");
  }

  private static List<String> scan(byte[] in, int split) {
    List<String> got = new ArrayList<>();
    AnnexBScanner s = new AnnexBScanner((nal, offset) -> got.add(HexFormat.of().formatHex(nal) + "@" + offset), 1024);
    for (int i = 0; i < in.length; i += split) {
      s.push(ByteBuffer.wrap(in, i, Math.min(split, in.length - i)));
    }
    s.end();
    return got;
  }
}
