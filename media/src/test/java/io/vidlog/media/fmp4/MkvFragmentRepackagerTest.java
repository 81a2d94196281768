package io.vidlog.media.fmp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.fmp4.Fmp4RoundTripTest.Collector;
import io.vidlog.media.fmp4.TestFragments.Frame;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.mp4.Mp4Demux;
import io.vidlog.media.mp4.Mp4Limits;
import io.vidlog.media.mp4.Mp4Sample;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One stored fragment through MkvReader into the repackager: what it accepts, refuses and holds. */
class MkvFragmentRepackagerTest {
  private static final List<TrackEntry> AV = List.of(TestFragments.h264(1, "avc-main-640x360"),
      TestFragments.aac(2, TestFragments.AAC_48K_STEREO));

  @TempDir
  Path dir;

  static byte[] avFragment(long clusterMs) {
    Random rnd = new Random(clusterMs);
    return TestFragments.fragment(AV, clusterMs, TestFragments.interleave(
        TestFragments.videoWithBFrames(1, 25, rnd), TestFragments.audio(2, 46, 0, rnd)));
  }

  @Test
  void readsBackThroughTheFileDemuxerEntryPointToo() throws Exception {
    MkvFragmentRepackager r = TestFragments.read(avFragment(1_700_000_000_000L), 100);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(r.initSegment());
    r.segment(1, 0, MediaSegmentBuilder.NO_END).writeTo(out);
    Path file = dir.resolve("f.mp4");
    Files.write(file, out.toByteArray());
    Collector c = new Collector();
    Mp4Demux.file(file, Mp4Limits.defaults(), c);
    assertEquals(2, c.tracks.size());
    assertEquals(25, c.track(1).size());
    assertEquals(46, c.track(2).size());
    assertEquals(1, c.track(1).stream().filter(Mp4Sample::key).count());
  }

  @Test
  void blockGroupFramesAreRepackagedLikeSimpleBlocks() {
    MkvWriter w = MkvWriter.KVS;
    ByteArrayOutputStream mkv = new ByteArrayOutputStream();
    mkv.writeBytes(w.ebmlHeader());
    mkv.writeBytes(w.segmentStartUnknownSize());
    mkv.writeBytes(w.info(new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, "x", "x", new byte[16])));
    mkv.writeBytes(w.tracks(AV.subList(0, 1)));
    mkv.writeBytes(w.clusterStart(1_000_000, -1));
    Random rnd = new Random(5);
    byte[] key = TestFragments.payload(rnd, 700);
    byte[] delta = TestFragments.payload(rnd, 90);
    mkv.writeBytes(w.blockGroup(1, 0, key, 40, null));
    mkv.writeBytes(w.blockGroup(1, 40, delta, 40, -40));
    MkvFragmentRepackager r = TestFragments.read(mkv.toByteArray(), 64);
    Collector c = Fmp4RoundTripTest.demux(Fmp4RoundTripTest.concat(r.initSegment(),
        List.of(r.segment(1, 0, MediaSegmentBuilder.NO_END))));
    assertEquals(2, c.samples.size());
    assertTrue(c.samples.get(0).key());
    assertTrue(!c.samples.get(1).key(), "a Block with a ReferenceBlock is not a key frame");
    assertArrayEquals(key, Fmp4RoundTripTest.bytes(c.samples.get(0).payload()));
    assertArrayEquals(delta, Fmp4RoundTripTest.bytes(c.samples.get(1).payload()));
  }

  @Test
  void aChosenTrackTheFragmentLacksIsRefused() {
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> TestFragments.read(avFragment(1000), 4096, 3));
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("no track 3"), e.getMessage());
  }

  @Test
  void anUnsupportedCodecIsRefusedWhileTheDeclaredTracksStayKnown() {
    TrackEntry opus = new TrackEntry(2, 1, 2, "A_OPUS", null, new byte[19], 0, 0, 0, 48000, 2, 0);
    byte[] mkv = TestFragments.fragment(List.of(AV.get(0), opus), 1000,
        List.of(new Frame(1, 0, true, TestFragments.payload(new Random(1), 50))));
    MkvFragmentRepackager r = new MkvFragmentRepackager();
    MkvReader reader = new MkvReader(r);
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> reader.feed(ByteBuffer.wrap(mkv)));
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
    assertEquals(2, r.trackEntries().size(), "the server can still tell which track and why");
    assertNull(r.tracks());

    // choosing the supported track alone works: a rendition of that track only
    MkvFragmentRepackager videoOnly = TestFragments.read(mkv, 4096, 1);
    assertEquals(1, videoOnly.segment(1, 0, MediaSegmentBuilder.NO_END).track(1).samples());
  }

  @Test
  void aFrameBeforeTracksIsMalformed() {
    MkvFragmentRepackager r = new MkvFragmentRepackager();
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> r.onFrame(
        new io.vidlog.media.mkv.MkvFrame(1, 0, 0, 0, true, 0x80, -1, ByteBuffer.allocate(4))));
    assertEquals(MediaFormatException.Kind.MALFORMED, e.kind());
    assertThrows(IllegalStateException.class, r::initSegment);
  }

  @Test
  void tracksChangingInsideAFragmentAreRefused() {
    MkvFragmentRepackager r = new MkvFragmentRepackager();
    r.onTracks(AV, ByteBuffer.allocate(0));
    r.onTracks(List.of(TestFragments.h264(1, "avc-main-640x360"), TestFragments.aac(2, TestFragments.AAC_48K_STEREO)),
        ByteBuffer.allocate(0)); // equal content: fine
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> r.onTracks(List.of(TestFragments.h264(1, "avc-high-64x48")), ByteBuffer.allocate(0)));
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
  }

  @Test
  void copiesAreChargedToTheBudgetUntilReleased() {
    byte[] mkv = avFragment(1000);
    ByteBudget budget = ByteBudget.of("hls", 4L << 20);
    MkvFragmentRepackager r = new MkvFragmentRepackager(budget);
    MkvReader reader = new MkvReader(r);
    reader.feed(ByteBuffer.wrap(mkv));
    reader.end();
    assertTrue(budget.used() >= mkv.length / 2, "the payload copies are charged: " + budget.used());
    assertEquals(r.heldBytes(), budget.used());
    MediaSegment seg = r.segment(1, 0, MediaSegmentBuilder.NO_END);
    r.release();
    assertEquals(0, budget.used());
    assertEquals(seg.length(), seg.toByteArray().length, "a built segment outlives the release");
    r.release();
    assertEquals(0, budget.used(), "release is idempotent");

    ByteBudget tiny = ByteBudget.of("tiny", 100_000);
    MkvReader over = new MkvReader(new MkvFragmentRepackager(tiny));
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> over.feed(ByteBuffer.wrap(mkv)));
    assertEquals(MediaFormatException.Kind.OVER_BUDGET, e.kind());
    assertEquals(0, tiny.used(), "nothing charged when the first block does not fit");
  }

  @Test
  void timestampsFollowTheTimecodeScale() {
    // TimecodeScale 100 µs: a cluster at 10,000 ticks is 1 s
    MkvWriter w = MkvWriter.KVS;
    ByteArrayOutputStream mkv = new ByteArrayOutputStream();
    mkv.writeBytes(w.ebmlHeader());
    mkv.writeBytes(w.segmentStartUnknownSize());
    mkv.writeBytes(w.info(new SegmentInfo(100_000, Double.NaN, null, "x", "x", new byte[16])));
    mkv.writeBytes(w.tracks(AV));
    mkv.writeBytes(w.clusterStart(10_000, -1));
    Random rnd = new Random(6);
    mkv.writeBytes(w.simpleBlock(1, 0, MkvWriter.FLAG_KEY, TestFragments.payload(rnd, 40)));
    mkv.writeBytes(w.simpleBlock(2, 3, MkvWriter.FLAG_KEY, TestFragments.payload(rnd, 40))); // 1.0003 s
    mkv.writeBytes(w.simpleBlock(1, 333, 0, TestFragments.payload(rnd, 40))); // 1.0333 s
    MkvFragmentRepackager r = TestFragments.read(mkv.toByteArray(), 4096);
    MediaSegment seg = r.segment(1, 0, MediaSegmentBuilder.NO_END);
    assertEquals(90_000, seg.track(1).baseDecodeTime());
    assertEquals(48_000 + 14, seg.track(2).baseDecodeTime(), "0.3 ms at 48 kHz is 14.4 ticks");
    Collector c = Fmp4RoundTripTest.demux(Fmp4RoundTripTest.concat(r.initSegment(), List.of(seg)));
    assertEquals(90_000 + 2997, c.track(1).get(1).decodeTime());
    assertEquals(1_000_000_000L, r.firstTimestampNs());
    assertEquals(1_033_300_000L, r.lastTimestampNs());
  }
}
