package io.vidlog.media.mp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.nal.Fixtures;
import io.vidlog.media.nal.NalUnits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both demuxers on ffmpeg-made fixtures, checked packet by packet against ffprobe's
 * {@code -show_packets} dump recorded when the fixture was made (tests never run ffmpeg).
 */
class Mp4DemuxTest {
  @TempDir
  Path dir;

  /** Collects what a demuxer reports. */
  static final class Collector implements Mp4Handler {
    List<Mp4Track> tracks;
    final List<Mp4Sample> samples = new ArrayList<>();
    boolean ended;

    @Override
    public void onTracks(List<Mp4Track> t) {
      assertEquals(null, tracks, "tracks reported twice");
      tracks = t;
    }

    @Override
    public void onSample(Mp4Sample s) {
      assertNotNull(tracks, "sample before tracks");
      byte[] copy = new byte[s.payload().remaining()];
      s.payload().duplicate().get(copy);
      samples.add(new Mp4Sample(s.trackId(), s.decodeTime(), s.presentationTime(), s.key(),
          ByteBuffer.wrap(copy), s.offset()));
    }

    @Override
    public void onEnd() {
      ended = true;
    }
  }

  static Collector pushInSlices(byte[] file, int[] cuts) {
    return pushInSlices(file, cuts, 64 * 1024);
  }

  static Collector pushInSlices(byte[] file, int[] cuts, int initialBuffer) {
    Collector c = new Collector();
    FragmentedMp4Demuxer d = new FragmentedMp4Demuxer(c, Mp4Limits.defaults(), ByteBudget.unlimited(),
        initialBuffer);
    int from = 0;
    for (int cut : cuts) {
      d.push(ByteBuffer.wrap(file, from, cut - from).slice());
      from = cut;
    }
    d.push(ByteBuffer.wrap(file, from, file.length - from).slice());
    d.end();
    return c;
  }

  static Collector pushEvery(byte[] file, int size) {
    Collector c = new Collector();
    FragmentedMp4Demuxer d = new FragmentedMp4Demuxer(c, Mp4Limits.defaults());
    for (int from = 0; from < file.length; from += size) {
      d.push(ByteBuffer.wrap(file, from, Math.min(size, file.length - from)).slice());
    }
    d.end();
    return c;
  }

  /** Tracks and samples equal ffprobe's streams and packets (times up to a per-track shift). */
  static void assertMatchesProbe(String name, byte[] file, Collector c) {
    assertMatchesProbe(name, Probe.load(name), file, c);
  }

  static void assertMatchesProbe(String name, Probe p, byte[] file, Collector c) {
    assertTrue(c.ended);
    // the demuxers report audio and video only (a text track is skipped)
    List<Integer> av = new ArrayList<>();
    for (int i = 0; i < p.streams().size(); i++) {
      if (List.of("h264", "hevc", "aac").contains(p.streams().get(i).get("codec_name"))) {
        av.add(i);
      }
    }
    assertEquals(av.size(), c.tracks.size());
    assertEquals(c.samples.size(), av.stream().mapToInt(i -> p.packets().get(i).size()).sum());
    for (int i = 0; i < c.tracks.size(); i++) {
      Mp4Track t = c.tracks.get(i);
      Map<String, String> s = p.streams().get(av.get(i));
      assertEquals(switch (s.get("codec_name")) {
        case "h264" -> "V_MPEG4/ISO/AVC";
        case "hevc" -> "V_MPEGH/ISO/HEVC";
        default -> "A_AAC";
      }, t.codecId());
      assertEquals("1/" + t.timescale(), s.get("time_base"));
      if (t.kind() == Mp4Track.Kind.VIDEO) {
        assertEquals(s.get("width"), String.valueOf(t.width()));
        assertEquals(s.get("height"), String.valueOf(t.height()));
      } else {
        assertEquals(s.get("sample_rate"), String.valueOf(t.sampleRate()));
        assertEquals(s.get("channels"), String.valueOf(t.channels()));
        assertEquals("mp4a.40.2", t.codecString());
      }
      List<Probe.Packet> want = p.packets().get(av.get(i));
      List<Mp4Sample> got = c.samples.stream().filter(x -> x.trackId() == t.trackId()).toList();
      assertEquals(want.size(), got.size(), name + " track " + t.trackId());
      long shift = got.get(0).decodeTime() - want.get(0).dts();
      for (int k = 0; k < want.size(); k++) {
        Probe.Packet w = want.get(k);
        Mp4Sample g = got.get(k);
        String at = name + " track " + t.trackId() + " sample " + k;
        assertEquals(w.dts() + shift, g.decodeTime(), at);
        assertEquals(w.pts() + shift, g.presentationTime(), at);
        assertEquals(w.size(), g.payload().remaining(), at);
        assertEquals(w.pos(), g.offset(), at);
        assertEquals(w.key(), g.key(), at);
        byte[] bytes = new byte[w.size()];
        g.payload().duplicate().get(bytes);
        assertArrayEquals(java.util.Arrays.copyOfRange(file, (int) w.pos(), (int) w.pos() + w.size()), bytes, at);
        if (t.kind() == Mp4Track.Kind.VIDEO) {
          assertTrue(!NalUnits.splitAvcc(g.payload(), 4).isEmpty(), at);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"frag", "frag-base-data-offset", "frag-separate-moof", "hevc-frag",
      "frag-samples-in-moov", "frag-with-text"})
  void fragmentedWholeAndRandomSplits(String name) {
    byte[] file = Fixtures.resource("/mp4/" + name + ".mp4");
    assertMatchesProbe(name, file, pushInSlices(file, new int[0]));
    assertMatchesProbe(name, file, pushEvery(file, 1));
    Random rnd = new Random(name.hashCode());
    for (int i = 0; i < 50; i++) {
      int[] cuts = rnd.ints(1 + rnd.nextInt(40), 0, file.length + 1).sorted().toArray();
      // a 7-byte first allocation makes every buffered box and split sample grow several times
      assertMatchesProbe(name, file, pushInSlices(file, cuts, i % 2 == 0 ? 64 * 1024 : 7));
    }
  }

  @Test
  void fragmentedAtEverySplitSize() {
    byte[] file = Fixtures.resource("/mp4/frag.mp4");
    Collector whole = pushEvery(file, file.length);
    assertMatchesProbe("frag", file, whole);
    List<String> want = summary(whole);
    for (int size = 1; size < file.length; size++) {
      assertEquals(want, summary(pushEvery(file, size)), "slice size " + size);
    }
  }

  /** One line per sample: everything a consumer sees, the payload as a hash. */
  static List<String> summary(Collector c) {
    List<String> out = new ArrayList<>();
    for (Mp4Sample s : c.samples) {
      out.add(s.trackId() + " " + s.decodeTime() + " " + s.presentationTime() + " " + s.key() + " "
          + s.offset() + " " + s.payload().hashCode());
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"progressive-moov-end.mp4", "faststart.mp4", "hevc-progressive.mp4",
      "progressive-with-text.mp4", "quicktime.mov"})
  void progressiveFromFile(String fileName) throws IOException {
    String name = fileName.substring(0, fileName.lastIndexOf('.'));
    byte[] file = Fixtures.resource("/mp4/" + fileName);
    Path path = Files.write(dir.resolve(fileName), file);
    Collector c = new Collector();
    Mp4Demux.file(path, Mp4Limits.defaults(), c);
    assertMatchesProbe(name, file, c);
    assertDecodeOrderAcrossTracks(c);
    try (Mp4FileDemuxer d = Mp4FileDemuxer.open(path, Mp4Limits.defaults())) {
      assertEquals(c.tracks.stream().map(Mp4Track::trackId).toList(),
          d.tracks().stream().map(Mp4Track::trackId).toList());
      if (name.equals("progressive-moov-end")) {
        assertTrue(d.tracks().get(0).editMediaTime() > 0, "x264 B-frames delay: elst media_time");
      }
    }
  }

  @Test
  void fragmentedFileThroughTheFileEntryPoint() throws IOException {
    byte[] file = Fixtures.resource("/mp4/frag.mp4");
    Path path = Files.write(dir.resolve("frag.mp4"), file);
    Collector c = new Collector();
    Mp4Demux.file(path, Mp4Limits.defaults(), c);
    assertMatchesProbe("frag", file, c);
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> Mp4FileDemuxer.open(path, Mp4Limits.defaults()));
    assertEquals(MediaFormatException.Format.MP4, e.format());
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
  }

  static void assertDecodeOrderAcrossTracks(Collector c) {
    double last = -1e9;
    for (Mp4Sample s : c.samples) {
      Mp4Track t = c.tracks.stream().filter(x -> x.trackId() == s.trackId()).findFirst().orElseThrow();
      double time = (double) s.decodeTime() / t.timescale();
      assertTrue(time >= last, "decode order at " + s);
      last = time;
    }
  }
}
