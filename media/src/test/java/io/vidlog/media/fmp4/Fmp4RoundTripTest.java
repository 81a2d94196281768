package io.vidlog.media.fmp4;

import static io.vidlog.media.fmp4.TestFragments.AAC_48K_STEREO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.fmp4.TestFragments.Frame;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.mp4.FragmentedMp4Demuxer;
import io.vidlog.media.mp4.Mp4Handler;
import io.vidlog.media.mp4.Mp4Limits;
import io.vidlog.media.mp4.Mp4Sample;
import io.vidlog.media.mp4.Mp4Track;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stored MKV fragments repackaged into init + media segments and read back with vidlog's own
 * fragmented MP4 demuxer: tracks and codec configuration, every sample's bytes, decode and
 * presentation times and key flag, across consecutive segments.
 */
class Fmp4RoundTripTest {
  /** Collects what the demuxer reports, payloads copied. */
  static final class Collector implements Mp4Handler {
    List<Mp4Track> tracks;
    final List<Mp4Sample> samples = new ArrayList<>();

    @Override
    public void onTracks(List<Mp4Track> t) {
      tracks = t;
    }

    @Override
    public void onSample(Mp4Sample s) {
      byte[] copy = new byte[s.payload().remaining()];
      s.payload().duplicate().get(copy);
      samples.add(new Mp4Sample(s.trackId(), s.decodeTime(), s.presentationTime(), s.key(),
          ByteBuffer.wrap(copy), s.offset()));
    }

    List<Mp4Sample> track(int id) {
      return samples.stream().filter(s -> s.trackId() == id).toList();
    }
  }

  static Collector demux(byte[] file) {
    Collector c = new Collector();
    FragmentedMp4Demuxer d = new FragmentedMp4Demuxer(c, Mp4Limits.defaults());
    d.push(ByteBuffer.wrap(file));
    d.end();
    return c;
  }

  static byte[] concat(byte[] init, List<MediaSegment> segments) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(init);
    for (MediaSegment s : segments) {
      out.writeBytes(s.toByteArray());
    }
    return out.toByteArray();
  }

  private static final List<TrackEntry> AV = List.of(TestFragments.h264(1, "avc-high-64x48"),
      TestFragments.aac(2, AAC_48K_STEREO));

  /** Three contiguous 2 s fragments of 25 fps video with B-frames and 48 kHz AAC. */
  static List<List<Frame>> threeFragments() {
    Random rnd = new Random(13);
    List<List<Frame>> out = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      out.add(TestFragments.interleave(TestFragments.videoWithBFrames(1, 50, rnd),
          TestFragments.audio(2, 93, 0, rnd)));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 4096, Integer.MAX_VALUE})
  void everySampleReadsBackAcrossSegments(int slice) {
    List<List<Frame>> fragments = threeFragments();
    List<MediaSegment> segments = new ArrayList<>();
    byte[] init = null;
    long clusterMs = 1_700_000_000_000L; // KVS producers send absolute epoch milliseconds
    for (int f = 0; f < fragments.size(); f++) {
      long start = clusterMs + 2000L * f;
      MkvFragmentRepackager r = TestFragments.read(TestFragments.fragment(AV, start, fragments.get(f)),
          slice);
      byte[] fragInit = r.initSegment();
      if (init == null) {
        init = fragInit;
      }
      assertArrayEquals(init, fragInit, "every fragment of a stream gives the same init segment");
      segments.add(r.segment(f + 1, 0, (start + 2000) * 1_000_000L));
    }
    Collector c = demux(concat(init, segments));

    assertEquals(2, c.tracks.size());
    Mp4Track v = c.tracks.get(0);
    assertEquals(1, v.trackId());
    assertEquals(Mp4Track.Kind.VIDEO, v.kind());
    assertEquals(90_000, v.timescale());
    assertEquals(64, v.width());
    assertEquals(48, v.height());
    assertArrayEquals(AV.get(0).codecPrivate(), v.codecPrivate());
    Mp4Track a = c.tracks.get(1);
    assertEquals(2, a.trackId());
    assertEquals(48_000, a.timescale());
    assertEquals(2, a.channels());
    assertArrayEquals(AAC_48K_STEREO, a.codecPrivate());

    List<Mp4Sample> video = c.track(1);
    List<Mp4Sample> audio = c.track(2);
    assertEquals(150, video.size());
    assertEquals(3 * 93, audio.size());
    for (int f = 0; f < 3; f++) {
      List<Frame> vf = fragments.get(f).stream().filter(x -> x.track() == 1).toList();
      List<Frame> af = fragments.get(f).stream().filter(x -> x.track() == 2).toList();
      long start = clusterMs + 2000L * f;
      for (int i = 0; i < vf.size(); i++) {
        Mp4Sample s = video.get(f * 50 + i);
        Frame x = vf.get(i);
        assertEquals((start + x.relativeMs()) * 90, s.presentationTime(), "video pts " + f + "/" + i);
        assertEquals(x.key(), s.key(), "video key flag " + f + "/" + i);
        assertArrayEquals(x.payload(), bytes(s.payload()), "video payload " + f + "/" + i);
      }
      for (int i = 0; i < af.size(); i++) {
        Mp4Sample s = audio.get(f * 93 + i);
        Frame x = af.get(i);
        // within a millisecond of its timestamp, on an exact 1024-sample grid inside a fragment
        assertTrue(Math.abs(s.presentationTime() - (start + x.relativeMs()) * 48) <= 48,
            "audio time " + f + "/" + i + ": " + s.presentationTime());
        if (i > 0) {
          assertEquals(1024, s.decodeTime() - audio.get(f * 93 + i - 1).decodeTime(), "audio step " + i);
        }
        assertTrue(s.key());
        assertArrayEquals(x.payload(), bytes(s.payload()), "audio payload " + f + "/" + i);
      }
    }
    // decode times: the presentation times in order, shifted by one B-frame's reordering delay
    List<Long> sortedPts = video.stream().map(Mp4Sample::presentationTime).sorted().toList();
    for (int i = 0; i < video.size(); i++) {
      assertEquals(sortedPts.get(i) - 3600, video.get(i).decodeTime(), "video dts " + i);
      assertTrue(video.get(i).presentationTime() >= video.get(i).decodeTime(), "no frame shown before decoded");
    }
  }

  @Test
  void oneTrackPerSegmentAsHlsRenditionsAsk() {
    List<Frame> frames = threeFragments().get(0);
    byte[] mkv = TestFragments.fragment(AV, 5000, frames);
    MkvFragmentRepackager audioOnly = TestFragments.read(mkv, 1000, 2);
    Collector c = demux(concat(audioOnly.initSegment(), List.of(audioOnly.segment(7, 0, MediaSegmentBuilder.NO_END))));
    assertEquals(1, c.tracks.size());
    assertEquals(2, c.tracks.get(0).trackId());
    assertEquals(93, c.samples.size());
    assertEquals(5000 * 48, c.samples.get(0).decodeTime());

    MkvFragmentRepackager videoOnly = TestFragments.read(mkv, 1000, 1);
    c = demux(concat(videoOnly.initSegment(), List.of(videoOnly.segment(7, 0, MediaSegmentBuilder.NO_END))));
    assertEquals(List.of(1), c.tracks.stream().map(Mp4Track::trackId).toList());
    assertEquals(50, c.samples.size());
    assertEquals(5000 * 90 - 3600, c.samples.get(0).decodeTime());
    assertEquals(5000 * 90, c.samples.get(0).presentationTime());
    assertEquals(1, c.samples.stream().filter(Mp4Sample::key).count());
  }

  @Test
  void timeOffsetShiftsEveryDecodeTime() {
    List<Frame> frames = threeFragments().get(1);
    byte[] mkv = TestFragments.fragment(AV, 0, frames); // relative timecodes, producer start elsewhere
    long producerStartNs = 1_650_000_000_123_000_000L;
    MkvFragmentRepackager r = TestFragments.read(mkv, 512);
    MediaSegment seg = r.segment(1, producerStartNs, MediaSegmentBuilder.NO_END);
    Collector c = demux(concat(r.initSegment(), List.of(seg)));
    long minVideoPts = c.track(1).stream().map(Mp4Sample::presentationTime).min(Comparator.naturalOrder()).orElseThrow();
    assertEquals(producerStartNs / 1_000_000 * 90, minVideoPts);
    assertEquals(minVideoPts - 3600, seg.track(1).baseDecodeTime());
    assertEquals(c.track(2).get(0).decodeTime(), seg.track(2).baseDecodeTime());
  }

  /**
   * Seeded random fragments (random frame counts, sizes, B-frame patterns, jittered and gapped
   * timestamps, one or both tracks chosen): every video frame is shown at its own timestamp and never
   * before it is decoded, every audio frame within a millisecond of its own, every byte in place.
   */
  @Test
  void randomFragmentsReadBackExactly() {
    for (int seed = 0; seed < 200; seed++) {
      Random rnd = new Random(seed);
      List<Frame> video = new ArrayList<>();
      int n = 1 + rnd.nextInt(60);
      int group = 1 + rnd.nextInt(4); // 1: no reordering; else an anchor then group-1 B-frames
      int[] order = new int[n];
      for (int i = 0, k = 0; i < n; ) {
        int anchor = Math.min(i + group - 1, n - 1);
        order[k++] = i == 0 ? 0 : anchor;
        if (i == 0) {
          i = 1;
          continue;
        }
        for (int b = i; b < anchor; b++) {
          order[k++] = b;
        }
        i = anchor + 1;
      }
      int step = 20 + rnd.nextInt(50);
      for (int i = 0; i < n; i++) {
        int t = order[i] * step + (rnd.nextInt(10) == 0 ? 500 : 0) * (order[i] > n / 2 ? 1 : 0);
        video.add(new Frame(1, t, i == 0 || rnd.nextInt(20) == 0, TestFragments.payload(rnd, 4 + rnd.nextInt(2000))));
      }
      List<Frame> audio = new ArrayList<>();
      int m = rnd.nextInt(80);
      for (int i = 0, t = 0; i < m; i++) {
        audio.add(new Frame(2, t, true, TestFragments.payload(rnd, 4 + rnd.nextInt(400))));
        t += rnd.nextInt(15) == 0 ? 64 + rnd.nextInt(100) : 21 + rnd.nextInt(2);
      }
      long cluster = 1_600_000_000_000L + rnd.nextInt(1_000_000);
      byte[] mkv = TestFragments.fragment(AV, cluster, TestFragments.interleave(video, audio));
      int[] chosen = switch (rnd.nextInt(3)) {
        case 0 -> new int[0];
        case 1 -> new int[] {1};
        default -> new int[] {2, 1};
      };
      MkvFragmentRepackager r = TestFragments.read(mkv, 64 + rnd.nextInt(5000), chosen);
      long end = rnd.nextBoolean() ? MediaSegmentBuilder.NO_END : (cluster + n * step + rnd.nextInt(200)) * 1_000_000L;
      MediaSegment seg = r.segment(seed, 0, end);
      Collector c = demux(concat(r.initSegment(), List.of(seg)));
      String what = "seed " + seed;
      List<Mp4Sample> v = c.track(1);
      assertEquals(n, v.size(), what);
      for (int i = 0; i < n; i++) {
        assertEquals((cluster + video.get(i).relativeMs()) * 90, v.get(i).presentationTime(), what + " video " + i);
        assertTrue(v.get(i).presentationTime() >= v.get(i).decodeTime(), what + " decoded first " + i);
        assertEquals(video.get(i).key(), v.get(i).key(), what);
        assertArrayEquals(video.get(i).payload(), bytes(v.get(i).payload()), what);
      }
      List<Mp4Sample> a = c.track(2);
      assertEquals(chosen.length == 1 ? 0 : m, a.size(), what);
      for (int i = 0; i < a.size(); i++) {
        assertTrue(Math.abs((cluster + audio.get(i).relativeMs()) * 48 - a.get(i).presentationTime()) <= 49,
            what + " audio " + i);
        assertArrayEquals(audio.get(i).payload(), bytes(a.get(i).payload()), what);
      }
      assertEquals(seg.length(), seg.toByteArray().length);
      if (chosen.length == 2) {
        assertEquals(List.of(2, 1), c.tracks.stream().map(Mp4Track::trackId).toList(), "tracks in the chosen order");
      }
    }
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
