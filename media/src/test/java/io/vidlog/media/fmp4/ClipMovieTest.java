package io.vidlog.media.fmp4;

import static io.vidlog.media.fmp4.TestFragments.AAC_48K_STEREO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.fmp4.TestFragments.Frame;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.mp4.Mp4FileDemuxer;
import io.vidlog.media.mp4.Mp4Limits;
import io.vidlog.media.mp4.Mp4Sample;
import io.vidlog.media.mp4.Mp4Track;
import io.vidlog.media.nal.NalUnits;
import java.io.IOException;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.EditListBox;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clips read back by vidlog's own progressive MP4 demuxer: every frame of every fragment, in
 * order, with its bytes, key flag and presentation time; the file as long as announced; limits,
 * left-out frames and tracks, codec private changes, and each refusal.
 */
class ClipMovieTest {
  static final List<TrackEntry> AV = List.of(TestFragments.h264(1, "avc-main-640x360"),
      TestFragments.aac(2, AAC_48K_STEREO));

  /** Three 2 s fragments of 25 fps video with B-frames and 48 kHz AAC, as frames per fragment. */
  static List<List<Frame>> sourceFrames(long seed) {
    Random rnd = new Random(seed);
    List<List<Frame>> out = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      out.add(TestFragments.interleave(TestFragments.videoWithBFrames(1, 50, rnd),
          TestFragments.audio(2, 94, 0, rnd)));
    }
    return out;
  }

  static List<byte[]> fragments(List<TrackEntry> tracks, List<List<Frame>> frames, long[] clusterMs) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      out.add(TestFragments.fragment(tracks, clusterMs[i], frames.get(i)));
    }
    return out;
  }

  record Read(List<Mp4Track> tracks, List<Mp4Sample> samples) {
    List<Mp4Sample> of(int track) {
      return samples.stream().filter(s -> s.trackId() == track).toList();
    }

    Mp4Track track(int id) {
      return tracks.stream().filter(t -> t.trackId() == id).findFirst().orElseThrow();
    }
  }

  static Read read(byte[] mp4) throws IOException {
    Path file = Files.createTempFile("clip", ".mp4");
    Files.write(file, mp4);
    try (Mp4FileDemuxer d = Mp4FileDemuxer.open(file, Mp4Limits.defaults())) {
      List<Mp4Sample> samples = new ArrayList<>();
      for (Mp4Sample s = d.next(); s != null; s = d.next()) {
        samples.add(s);
      }
      return new Read(d.tracks(), samples);
    } finally {
      Files.delete(file);
    }
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 4096, 1 << 20})
  void everyFrameComesBackInOrderWithItsBytesKeyFlagAndTime(int slice) throws IOException {
    List<List<Frame>> frames = sourceFrames(1);
    long[] at = {0, 2000, 4000};
    List<byte[]> fragments = fragments(AV, frames, at);
    ClipMovie movie = TestClips.plan(fragments, at, TestClips.UNLIMITED, slice);
    byte[] mp4 = TestClips.write(movie, fragments, slice);
    assertEquals(movie.length(), mp4.length, "the announced length");
    assertFalse(movie.truncated());

    Read r = read(mp4);
    assertEquals(List.of(1, 2), r.tracks().stream().map(Mp4Track::trackId).toList());
    assertEquals("avc1.4d401e", r.track(1).codecString());
    assertEquals(640, r.track(1).width());
    for (int track : new int[] {1, 2}) {
      List<Frame> expected = new ArrayList<>();
      for (int f = 0; f < frames.size(); f++) {
        for (Frame x : frames.get(f)) {
          if (x.track() == track) {
            expected.add(new Frame(track, (int) (x.relativeMs() + at[f]), x.key(), x.payload()));
          }
        }
      }
      List<Mp4Sample> got = r.of(track);
      Mp4Track t = r.track(track);
      assertEquals(expected.size(), got.size(), "samples of track " + track);
      for (int i = 0; i < got.size(); i++) {
        Mp4Sample s = got.get(i);
        assertArrayEquals(expected.get(i).payload(), bytes(s.payload()), "payload of sample " + i);
        assertEquals(expected.get(i).key() || track == 2, s.key(), "key flag of sample " + i);
        double ms = (s.presentationTime() - t.editMediaTime()) * 1000.0 / t.timescale();
        // video: exact on 90 kHz; AAC: nominal 1024-sample durations, within a ms of the timestamps
        assertEquals(expected.get(i).relativeMs(), ms, track == 1 ? 1e-9 : 1.0, "time of sample " + i);
      }
    }
    // mdat keeps each fragment's Matroska order: the samples' file offsets follow it
    List<Integer> fileOrder = r.samples().stream().sorted((a, b) -> Long.compare(a.offset(), b.offset()))
        .map(Mp4Sample::trackId).toList();
    List<Integer> mkvOrder = frames.stream().flatMap(List::stream).map(Frame::track).toList();
    assertEquals(mkvOrder, fileOrder);
  }

  @Test
  void theSameClipWhateverTheSliceSize() {
    List<List<Frame>> frames = sourceFrames(2);
    long[] at = {0, 2000, 4000};
    List<byte[]> fragments = fragments(AV, frames, at);
    assertArrayEquals(TestClips.clip(fragments, at, 1 << 20), TestClips.clip(fragments, at, 3));
  }

  @Test
  void aLimitEndsTheClipBeforeTheFrameThatDoesNotFit() throws IOException {
    List<List<Frame>> frames = sourceFrames(3);
    long[] at = {0, 2000, 4000};
    List<byte[]> fragments = fragments(AV, frames, at);
    long firstFragmentBytes = frames.get(0).stream().mapToLong(f -> f.payload().length).sum();
    List<Frame> second = frames.get(1);
    long limit = firstFragmentBytes + second.get(0).payload().length + second.get(1).payload().length
        + second.get(2).payload().length / 2;
    ClipMovie movie = TestClips.plan(fragments, at, new ClipBuilder.Limits(limit, Integer.MAX_VALUE), 4096);
    assertTrue(movie.truncated());
    assertEquals(2, movie.fragmentCount(), "no fragment after the one that filled the clip is read");
    assertEquals(firstFragmentBytes + second.get(0).payload().length + second.get(1).payload().length,
        movie.mediaBytes());
    byte[] mp4 = TestClips.write(movie, fragments, 4096);
    assertEquals(movie.length(), mp4.length);
    assertEquals(frames.get(0).size() + 2, read(mp4).samples().size());

    ClipMovie bySamples = TestClips.plan(fragments, at, new ClipBuilder.Limits(Long.MAX_VALUE, 150), 4096);
    assertTrue(bySamples.truncated());
    assertEquals(150, read(TestClips.write(bySamples, fragments, 4096)).samples().size());
  }

  @Test
  void videoBeforeTheFirstKeyFrameAndOtherCodecsAreLeftOut() throws IOException {
    Random rnd = new Random(4);
    List<TrackEntry> tracks = new ArrayList<>(AV);
    tracks.add(new TrackEntry(3, 103, 17, "S_TEXT/UTF8", "subs", null, 0, 0, 0, Double.NaN, 0, 0));
    List<Frame> first = new ArrayList<>();
    first.add(new Frame(1, 0, false, TestFragments.payload(rnd, 500))); // a P frame: its reference is gone
    first.add(new Frame(3, 0, true, "hello".getBytes()));
    first.add(new Frame(2, 10, true, TestFragments.payload(rnd, 200)));
    first.add(new Frame(1, 40, true, TestFragments.payload(rnd, 3000)));
    first.add(new Frame(1, 80, false, TestFragments.payload(rnd, 400)));
    long[] at = {0};
    byte[] mp4 = TestClips.clip(List.of(TestFragments.fragment(tracks, 0, first)), at, 64);
    Read r = read(mp4);
    assertEquals(List.of(1, 2), r.tracks().stream().map(Mp4Track::trackId).toList());
    assertEquals(2, r.of(1).size());
    assertTrue(r.of(1).get(0).key());
    assertEquals(1, r.of(2).size(), "audio before the first key frame stays: it needs no reference");
    // the clip's clock starts with its first frame (audio at 10 ms): an empty edit of 30 ms puts
    // video at 40 ms, where the producer put it; audio needs no edit
    try (IsoFile f = Fmp4Mp4parserTest.parse(mp4)) {
      EditListBox videoEdits = org.mp4parser.tools.Path.getPath(f, "moov[0]/trak[0]/edts[0]/elst[0]");
      assertEquals(2, videoEdits.getEntries().size());
      assertEquals(30, videoEdits.getEntries().get(0).getSegmentDuration());
      assertEquals(-1, videoEdits.getEntries().get(0).getMediaTime());
      assertNull(org.mp4parser.tools.Path.getPath(f, "moov[0]/trak[1]/edts[0]"));
    }
  }

  @Test
  void aChangedCodecPrivateIsANewSampleDescription() throws IOException {
    Random rnd = new Random(5);
    List<byte[]> fragments = List.of(
        TestFragments.fragment(List.of(TestFragments.h264(1, "avc-main-640x360")), 0,
            TestFragments.videoWithBFrames(1, 10, rnd)),
        TestFragments.fragment(List.of(TestFragments.h264(1, "avc-baseline-320x180")), 0,
            TestFragments.videoWithBFrames(1, 10, rnd)),
        TestFragments.fragment(List.of(TestFragments.h264(1, "avc-main-640x360")), 0,
            TestFragments.videoWithBFrames(1, 10, rnd)));
    long[] at = {0, 400, 800};
    ClipMovie movie = TestClips.plan(fragments, at, TestClips.UNLIMITED, 4096);
    assertEquals(2, movie.tracks().get(0).sampleDescriptions(), "two distinct configurations");
    assertEquals(30, read(TestClips.write(movie, fragments, 4096)).samples().size());
  }

  @Test
  void refusals() {
    Random rnd = new Random(6);
    long[] at = {0, 2000};
    List<Frame> video = TestFragments.videoWithBFrames(1, 5, rnd);

    byte[] h264 = TestFragments.fragment(List.of(TestFragments.h264(1, "avc-main-640x360")), 0, video);
    byte[] h265 = TestFragments.fragment(List.of(TestFragments.h265(1, "hevc-main-320x180")), 0, video);
    assertReason(ClipException.Reason.CODEC_CHANGED, List.of(h264, h265), at);

    TrackEntry noPrivate = new TrackEntry(1, 1, 1, "V_MPEG/ISO/AVC", "v", null, 0, 0, 0, Double.NaN, 0, 0);
    assertReason(ClipException.Reason.MISSING_CODEC_PRIVATE,
        List.of(TestFragments.fragment(List.of(noPrivate), 0, video)), at);
    TrackEntry garbage = new TrackEntry(1, 1, 1, "V_MPEG/ISO/AVC", "v", new byte[] {1, 2, 3}, 0, 0, 0, Double.NaN,
        0, 0);
    assertReason(ClipException.Reason.INVALID_CODEC_PRIVATE,
        List.of(TestFragments.fragment(List.of(garbage), 0, video)), at);

    // Annex-B frames behind an avcC (a producer without NAL adaptation)
    byte[] annexB = NalUnits.toAnnexB(ByteBuffer.wrap(video.get(0).payload()), 4).array();
    assertReason(ClipException.Reason.INVALID_FRAME, List.of(TestFragments.fragment(
        List.of(TestFragments.h264(1, "avc-main-640x360")), 0, List.of(new Frame(1, 0, true, annexB)))), at);

    assertReason(ClipException.Reason.NO_VIDEO, List.of(TestFragments.fragment(
        List.of(TestFragments.aac(1, AAC_48K_STEREO)), 0, TestFragments.audio(1, 10, 0, rnd))), at);
  }

  @Test
  void aFragmentThatChangedBetweenReadingsIsRefused() {
    Random rnd = new Random(7);
    List<TrackEntry> v = List.of(TestFragments.h264(1, "avc-main-640x360"));
    byte[] planned = TestFragments.fragment(v, 0, TestFragments.videoWithBFrames(1, 5, rnd));
    byte[] other = TestFragments.fragment(v, 0, TestFragments.videoWithBFrames(1, 5, rnd));
    ClipMovie movie = TestClips.plan(List.of(planned), new long[] {0}, TestClips.UNLIMITED, 4096);
    ClipMovie.Payloads p = movie.payloads(0, b -> { });
    ClipException e = assertThrows(ClipException.class, () -> TestClips.feed(new MkvReader(p), other, 4096));
    assertEquals(ClipException.Reason.FRAGMENT_CHANGED, e.reason());

    byte[] shorter = TestFragments.fragment(v, 0, TestFragments.videoWithBFrames(1, 4, new Random(7)));
    ClipMovie.Payloads q = movie.payloads(0, b -> { });
    TestClips.feed(new MkvReader(q), shorter, 4096);
    assertEquals(ClipException.Reason.FRAGMENT_CHANGED, assertThrows(ClipException.class, q::finish).reason());
  }

  private static void assertReason(ClipException.Reason reason, List<byte[]> fragments, long[] at) {
    ClipException e = assertThrows(ClipException.class, () -> TestClips.plan(fragments, at, TestClips.UNLIMITED, 4096));
    assertEquals(reason, e.reason(), e.getMessage());
  }
}
