package io.vidlog.media.mkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.ebml.EbmlWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Writer output read back with {@link MkvReader}: every value must survive the round trip. */
class MkvWriterTest {

  private static void assertTrack(TrackEntry want, TrackEntry got) {
    assertEquals(want.trackNumber(), got.trackNumber());
    assertEquals(want.trackUid(), got.trackUid());
    assertEquals(want.trackType(), got.trackType());
    assertEquals(want.codecId(), got.codecId());
    assertEquals(want.name(), got.name());
    assertArrayEquals(want.codecPrivate(), got.codecPrivate());
    assertEquals(want.defaultDurationNs(), got.defaultDurationNs());
    assertEquals(want.pixelWidth(), got.pixelWidth());
    assertEquals(want.pixelHeight(), got.pixelHeight());
    assertEquals(want.samplingFrequency(), got.samplingFrequency());
    assertEquals(want.channels(), got.channels());
    assertEquals(want.bitDepth(), got.bitDepth());
  }

  private static void assertSimpleTag(SimpleTag want, SimpleTag got) {
    assertEquals(want.name(), got.name());
    assertEquals(want.value(), got.value());
    assertArrayEquals(want.binary(), got.binary());
    assertEquals(want.children().size(), got.children().size());
    for (int i = 0; i < want.children().size(); i++) {
      assertSimpleTag(want.children().get(i), got.children().get(i));
    }
  }

  private static void assertTags(List<Tag> want, List<Tag> got) {
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.get(i).targetTypeValue(), got.get(i).targetTypeValue());
      assertEquals(want.get(i).simpleTags().size(), got.get(i).simpleTags().size());
      for (int j = 0; j < want.get(i).simpleTags().size(); j++) {
        assertSimpleTag(want.get(i).simpleTags().get(j), got.get(i).simpleTags().get(j));
      }
    }
  }

  record Sent(int track, long clusterTimecode, int relative, boolean key, byte[] payload) {}

  @ParameterizedTest
  @EnumSource(names = {"MINIMAL", "KVS"}, value = Mode.class)
  void kvsChunkLayoutRoundTripsEveryValue(Mode mode) {
    MkvWriter w = mode.writer;
    Random rnd = new Random(1);
    SegmentInfo info = new SegmentInfo(1_000_000, Double.NaN, "title ü", "mux", "app", new byte[16]);
    TrackEntry video = new TrackEntry(1, -7L, 1, "V_MPEGH/ISO/HEVC", "cam", new byte[] {1, 2, 3}, 33_333_333, 1920,
        1080, Double.NaN, 0, 0);
    TrackEntry audio = new TrackEntry(3, 0x7FFF_FFFF_FFFF_FFFFL, 2, "A_AAC", null, null, 0, 0, 0, 44100.0, 2, 16);
    List<Tag> preTags = List.of(new Tag(0, List.of(SimpleTag.of("AWS_KINESISVIDEO_FRAGMENT_NUMBER", "123"),
        SimpleTag.of("AWS_KINESISVIDEO_SERVER_TIMESTAMP", "1511852109.126"))));
    List<Tag> postTags = List.of(new Tag(30, List.of(new SimpleTag("outer", "v", new byte[] {0, -1},
        List.of(new SimpleTag("inner", null, new byte[] {5}, List.of(SimpleTag.of("deeper", "x"))))))),
        new Tag(0, List.of(SimpleTag.of("AWS_KINESISVIDEO_MILLIS_BEHIND_NOW", "15858"))));

    List<Sent> sent = new ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(w.ebmlHeader());
    out.writeBytes(w.segmentStartUnknownSize());
    out.writeBytes(w.info(info));
    out.writeBytes(w.tracks(List.of(video, audio)));
    out.writeBytes(w.tags(preTags));
    long[] clusterTimecodes = {0, 2000, 1L << 40};
    for (long tc : clusterTimecodes) {
      out.writeBytes(w.clusterStart(tc, -1));
      for (int f = 0; f < 5; f++) {
        int track = f % 2 == 0 ? 1 : 3;
        int rel = f == 4 ? Short.MIN_VALUE : f * 40 - 10;
        boolean key = f == 0;
        byte[] p = TestStreams.payload(rnd, f == 0 ? 70_000 : rnd.nextInt(300));
        // header then payload, as a zero-copy writer would send them
        out.writeBytes(w.simpleBlockHeader(track, rel, key ? MkvWriter.FLAG_KEY : 0, p.length));
        out.writeBytes(p);
        sent.add(new Sent(track, tc, rel, key, p));
      }
      out.writeBytes(w.tags(postTags));
    }
    byte[] mkv = out.toByteArray();

    Collector c = Collector.read(mkv);
    assertEquals(new EbmlHeaderInfo("matroska", 2, 2, 4, 8), c.headers.get(0));
    assertEquals(List.of(-1L), c.segmentSizes);
    SegmentInfo gotInfo = c.infos.get(0);
    assertEquals(info.timecodeScaleNs(), gotInfo.timecodeScaleNs());
    assertTrue(Double.isNaN(gotInfo.duration()));
    assertEquals(info.title(), gotInfo.title());
    assertEquals(info.muxingApp(), gotInfo.muxingApp());
    assertEquals(info.writingApp(), gotInfo.writingApp());
    assertArrayEquals(info.segmentUid(), gotInfo.segmentUid());
    assertArrayEquals(w.info(info), c.rawInfos.get(0), "raw Info bytes are exactly what was written");
    assertEquals(2, c.tracks.get(0).size());
    assertTrack(video, c.tracks.get(0).get(0));
    assertTrack(audio, c.tracks.get(0).get(1));
    assertArrayEquals(w.tracks(List.of(video, audio)), c.rawTracks.get(0));
    assertEquals(1 + clusterTimecodes.length, c.tags.size());
    assertTags(preTags, c.tags.get(0));
    assertArrayEquals(w.tags(preTags), c.rawTags.get(0));
    for (int i = 1; i < c.tags.size(); i++) {
      assertTags(postTags, c.tags.get(i));
    }
    assertEquals(clusterTimecodes.length, c.clusters.size());
    for (int i = 0; i < clusterTimecodes.length; i++) {
      assertArrayEquals(new long[] {clusterTimecodes[i], -1}, c.clusters.get(i));
    }
    assertEquals(sent.size(), c.frames.size());
    for (int i = 0; i < sent.size(); i++) {
      Sent s = sent.get(i);
      MkvFrame f = c.frames.get(i).frame();
      assertEquals(s.track(), f.trackNumber());
      assertEquals(s.clusterTimecode(), f.clusterTimecode());
      assertEquals(s.relative(), f.relativeTimecode());
      assertEquals((s.clusterTimecode() + s.relative()) * 1_000_000L, f.timecodeNs());
      assertEquals(s.key(), f.keyFrame());
      assertEquals(-1, f.durationTicks());
      assertArrayEquals(s.payload(), c.frames.get(i).payload());
    }
    assertEquals(List.of("ebml", "segment", "info", "tracks", "tags", "cluster"), c.events.subList(0, 6));
    assertEquals(List.of("clusterEnd", "tags", "segmentEnd"), c.events.subList(c.events.size() - 3, c.events.size()));
  }

  enum Mode {
    MINIMAL(MkvWriter.MINIMAL), KVS(MkvWriter.KVS);

    final MkvWriter writer;

    Mode(MkvWriter writer) {
      this.writer = writer;
    }
  }

  @Test
  void knownSizeSegmentAndClusterReadBackWithTheirSizes() {
    MkvWriter w = MkvWriter.MINIMAL;
    byte[] blocks = EbmlWriter.concat(w.simpleBlock(1, 0, MkvWriter.FLAG_KEY, new byte[] {1, 2, 3}),
        w.simpleBlock(1, 33, 0, new byte[200]));
    byte[] cluster = EbmlWriter.concat(w.clusterStart(77, blocks.length), blocks);
    byte[] segment = EbmlWriter.concat(w.info(new SegmentInfo(1000, 12.5, null, null, null, null)), cluster);
    byte[] mkv = EbmlWriter.concat(w.ebmlHeader(), w.segmentStart(segment.length), segment);
    Collector c = Collector.read(mkv);
    assertEquals(List.of((long) segment.length), c.segmentSizes);
    // id (4 bytes) and a 2-byte size precede the data: Timecode element (10 bytes) + blocks
    assertEquals(10 + blocks.length, c.clusters.get(0)[1]);
    assertEquals(cluster.length - 6, c.clusters.get(0)[1]);
    assertEquals(77, c.clusters.get(0)[0]);
    assertEquals(12.5, c.infos.get(0).duration());
    assertEquals((77 + 33) * 1000L, c.frames.get(1).frame().timecodeNs());
    assertEquals(List.of("ebml", "segment", "info", "cluster", "frame", "frame", "clusterEnd", "segmentEnd"), c.events);
  }

  @Test
  void segmentAndClusterUnknownSizesAreTheEightByteForm() {
    assertEquals("1853806701ffffffffffffff", HexFormat.of().formatHex(MkvWriter.KVS.segmentStartUnknownSize()));
    assertEquals("1853806701ffffffffffffff", HexFormat.of().formatHex(MkvWriter.MINIMAL.segmentStartUnknownSize()));
    assertEquals("1f43b67501ffffffffffffff" + "e70100000000000008" + "0000000000000bb8",
        HexFormat.of().formatHex(MkvWriter.KVS.clusterStart(3000, -1)));
    assertEquals("1f43b67501ffffffffffffff" + "e788" + "0000000000000bb8",
        HexFormat.of().formatHex(MkvWriter.MINIMAL.clusterStart(3000, -1)));
  }

  @Test
  void simpleBlockHeaderPlusPayloadEqualsTheWholeBlock() {
    byte[] payload = {9, 8, 7, 6};
    byte[] header = MkvWriter.KVS.simpleBlockHeader(2, -1, MkvWriter.FLAG_KEY, payload.length);
    assertEquals("a3" + "0100000000000008" + "82" + "ffff" + "80", HexFormat.of().formatHex(header));
    assertArrayEquals(EbmlWriter.concat(header, payload), MkvWriter.KVS.simpleBlock(2, -1, MkvWriter.FLAG_KEY, payload));
  }

  @Test
  void vintsAvoidTheReservedAllOnesValue() {
    assertEquals("fe", HexFormat.of().formatHex(EbmlWriter.MINIMAL.size(126)));
    assertEquals("407f", HexFormat.of().formatHex(EbmlWriter.MINIMAL.size(127)));
    assertEquals("0100000000000000", HexFormat.of().formatHex(EbmlWriter.FIXED_8.size(0)));
    assertEquals("01fffffffffffffe", HexFormat.of().formatHex(EbmlWriter.MINIMAL.size(EbmlWriter.MAX_SIZE)));
    assertThrows(IllegalArgumentException.class, () -> EbmlWriter.MINIMAL.size(EbmlWriter.MAX_SIZE + 1));
    assertThrows(IllegalArgumentException.class, () -> MkvWriter.MINIMAL.simpleBlockHeader(1, 40_000, 0, 1));
  }

  @ParameterizedTest
  @EnumSource(MkvWriter.Lacing.class)
  void lacedBlocksRoundTrip(MkvWriter.Lacing lacing) {
    Random rnd = new Random(lacing.ordinal());
    List<byte[]> frames = new ArrayList<>();
    int[] sizes = lacing == MkvWriter.Lacing.FIXED ? new int[] {100, 100, 100} : new int[] {600, 3, 0, 255, 254, 70_000, 1};
    for (int s : sizes) {
      frames.add(TestStreams.payload(rnd, s));
    }
    MkvWriter w = MkvWriter.MINIMAL;
    TrackEntry t = new TrackEntry(5, 1, 2, "A_OPUS", null, null, 20_000_000, 0, 0, 48000, 2, 0);
    byte[] mkv = EbmlWriter.concat(w.ebmlHeader(), w.segmentStartUnknownSize(), w.tracks(List.of(t)),
        w.clusterStart(10, -1), w.lacedSimpleBlock(5, 7, MkvWriter.FLAG_KEY, lacing, frames));
    Collector c = Collector.read(mkv);
    assertEquals(frames.size(), c.frames.size());
    for (int i = 0; i < frames.size(); i++) {
      assertArrayEquals(frames.get(i), c.frames.get(i).payload(), "frame " + i);
      assertEquals(17_000_000L + i * 20_000_000L, c.frames.get(i).frame().timecodeNs(), "frame " + i);
      assertEquals(0x80, c.frames.get(i).frame().flags(), "lacing bits are cleared");
    }
  }

  @Test
  void blockGroupsCarryDurationAndReference() {
    MkvWriter w = MkvWriter.KVS;
    byte[] mkv = EbmlWriter.concat(w.ebmlHeader(), w.segmentStartUnknownSize(), w.clusterStart(0, -1),
        w.blockGroup(1, 0, new byte[] {1}, 40, null), w.blockGroup(1, 40, new byte[] {2, 2}, -1, -40));
    Collector c = Collector.read(mkv);
    MkvFrame a = c.frames.get(0).frame();
    MkvFrame b = c.frames.get(1).frame();
    assertTrue(a.keyFrame());
    assertEquals(0x80, a.flags());
    assertEquals(40, a.durationTicks());
    assertFalse(b.keyFrame());
    assertEquals(0, b.flags());
    assertEquals(-1, b.durationTicks());
    assertArrayEquals(new byte[] {2, 2}, c.frames.get(1).payload());
  }

  @Test
  void absentValuesStayAbsent() {
    MkvWriter w = MkvWriter.MINIMAL;
    TrackEntry bare = new TrackEntry(1, 0, 1, "V_MS/VFW/FOURCC", null, null, 0, 0, 0, Double.NaN, 0, 0);
    Collector c = Collector.read(EbmlWriter.concat(w.ebmlHeader(), w.segmentStartUnknownSize(),
        w.info(new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, null, null, null)),
        w.tracks(List.of(bare))));
    assertNull(c.infos.get(0).title());
    assertNull(c.infos.get(0).segmentUid());
    assertNull(c.tracks.get(0).get(0).codecPrivate());
    assertTrue(Double.isNaN(c.tracks.get(0).get(0).samplingFrequency()));
  }
}
