package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vidlog.media.audio.AudioSpecificConfig;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.HevcConfig;
import io.vidlog.media.nal.NalUnits;
import io.vidlog.producer.testing.SyntheticH264;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Frames to what Matroska stores, and the TrackEntry derived from the parameter sets (H.264, H.265) or given (AAC). */
class TrackPackagerTest {
  /** VPS, SPS and PPS of a 320×180 Main encode by libx265 (media's fixture hevc-main-320x180.annexb). */
  static final byte[] HEVC_SETS = HexFormat.of().parseHex("0000000140010c01ffff01600000030090000003000003003c95980900"
      + "00000142010101600000030090000003000003003ca00a080b9f796566924caf016808000003000800000300c840"
      + "000000014401c172b46240");

  @Test
  void h264AnnexBBecomesLengthPrefixedAndTheFirstKeyFrameGivesCodecPrivateAndSize() {
    TrackPackager p = new TrackPackager(TrackConfig.h264(1));
    assertNull(p.entry(), "unknown before a key frame");
    byte[] delta = SyntheticH264.frame(false, "d", 100);
    assertArrayEquals(avcc(delta), p.package_(0, false, delta));
    assertNull(p.entry());
    byte[] key = SyntheticH264.frame(true, "k", 300);
    assertArrayEquals(avcc(key), p.package_(40, true, key));
    TrackEntry e = p.entry();
    assertEquals("V_MPEG4/ISO/AVC", e.codecId());
    assertEquals(320, e.pixelWidth());
    assertEquals(180, e.pixelHeight());
    AvcConfig c = AvcConfig.parse(e.codecPrivate());
    assertEquals(66, c.profileIdc());
    assertEquals(1, c.sps().size());
    p.package_(80, true, SyntheticH264.frame(true, "k2", 300));
    assertSame(e, p.entry(), "the same parameter sets keep the entry");
    p.package_(120, true, SyntheticH264.frame(SyntheticH264.PARAMETER_SETS_640X360, "k3", 300));
    assertNotSame(e, p.entry());
    assertEquals(640, p.entry().pixelWidth());
  }

  @Test
  void h265ParameterSetsGiveAnHevcRecord() {
    TrackPackager p = new TrackPackager(TrackConfig.h265(2));
    byte[] key = new byte[HEVC_SETS.length + 10];
    System.arraycopy(HEVC_SETS, 0, key, 0, HEVC_SETS.length);
    key[HEVC_SETS.length + 3] = 1;
    key[HEVC_SETS.length + 4] = 0x26; // IDR_W_RADL, layer 0
    key[HEVC_SETS.length + 5] = 0x01;
    for (int i = HEVC_SETS.length + 6; i < key.length; i++) {
      key[i] = 0x77;
    }
    p.package_(0, true, key);
    TrackEntry e = p.entry();
    assertEquals("V_MPEGH/ISO/HEVC", e.codecId());
    assertEquals(320, e.pixelWidth());
    assertEquals(180, e.pixelHeight());
    assertEquals(3, HevcConfig.parse(e.codecPrivate()).arrays().size());
  }

  @Test
  void avccFramesAreCheckedAndKeptAndAacGetsItsRateAndChannels() {
    byte[] cp = AvcConfig.fromNalUnits(NalUnits.splitAnnexB(ByteBuffer.wrap(SyntheticH264.PARAMETER_SETS))).toBytes();
    TrackPackager avcc = new TrackPackager(TrackConfig.h264(1).withCodecPrivate(cp).withNalFormat(NalFormat.AVCC));
    assertEquals(320, avcc.entry().pixelWidth());
    byte[] frame = avcc(SyntheticH264.frame(false, "x", 50));
    assertArrayEquals(frame, avcc.package_(0, false, frame));
    assertThrows(IllegalArgumentException.class, () -> avcc.package_(1, false, new byte[] {0, 0, 0, 9, 1}));
    TrackPackager aac = new TrackPackager(TrackConfig.aac(2, 44_100, 2));
    assertEquals(44_100.0, aac.entry().samplingFrequency());
    assertEquals(2, aac.entry().channels());
    assertArrayEquals(AudioSpecificConfig.aacLc(44_100, 2).toBytes(), aac.entry().codecPrivate());
  }

  @Test
  void refusesWhatIsNotItsFormatAndDecodeTimeGoingBack() {
    TrackPackager p = new TrackPackager(TrackConfig.h264(1));
    assertThrows(IllegalArgumentException.class, () -> p.package_(0, true, new byte[] {1, 2, 3}), "no start code");
    assertThrows(IllegalArgumentException.class, () -> p.package_(0, true, new byte[0]));
    p.package_(100, false, SyntheticH264.frame(false, "a", 50));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.package_(99, false, SyntheticH264.frame(false, "b", 50)));
    assertEquals(true, e.getMessage().contains("decode order"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrackConfig.h264(1).withNalFormat(NalFormat.AVCC));
    assertThrows(IllegalArgumentException.class, () -> TrackConfig.aac(1, new byte[0]));
  }

  static byte[] avcc(byte[] annexB) {
    ByteBuffer b = NalUnits.toAvcc(ByteBuffer.wrap(annexB));
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
