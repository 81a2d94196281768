package io.vidlog.media.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.fmp4.TestFragments.Frame;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.TrackEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ffmpeg encodes H.264/H.265 + AAC into Matroska; the frames are cut into KVS-style fragments at
 * video key frames, each written as a stored fragment, repackaged, and the init segment and media
 * segments concatenated as a player would fetch them. ffmpeg must decode every frame without a
 * single error message, and ffprobe must report the encoded codec, size, frame counts and
 * duration, for the muxed layout and for HLS's one-track-per-rendition layout. Fails (never
 * skips) when ffmpeg or ffprobe is missing.
 */
@Tag("interop")
class Fmp4InteropTest {
  private static final int SECONDS = 4;
  private static final int FPS = 25;
  /** ffmpeg's Matroska clock starts at 0; a KVS stream's runs on epoch time, as if shifted by this. */
  private static final long EPOCH_OFFSET_NS = 1_700_000_000_000_000_000L;

  @TempDir
  Path dir;

  /** The Matroska source, read whole: tracks and frames with absolute ms timestamps. */
  record Source(List<TrackEntry> tracks, List<Frame> frames) {
    long count(int track) {
      return frames.stream().filter(f -> f.track() == track).count();
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "h264 | -c:v libx264 -profile:v high -bf 3 -g 25 -keyint_min 25 -sc_threshold 0 | avc1",
      "hevc | -c:v libx265 -x265-params log-level=error:bframes=3:keyint=25:min-keyint=25:scenecut=0 | hvc1"})
  void ffmpegDecodesEveryFrame(String codec, String encoder, String tag) throws Exception {
    Source src = encode(encoder, true);
    long videoFrames = src.count(1);
    long audioFrames = src.count(2);
    assertEquals(SECONDS * FPS, videoFrames);

    // muxed: both tracks in every segment
    Path muxed = repackage(src, "muxed.mp4");
    assertEquals("", decodeErrors(muxed), "ffmpeg errors decoding " + muxed);
    Map<String, String> v = probeStream(muxed, "v:0");
    assertEquals(codec, v.get("codec_name"));
    assertEquals(tag, v.get("codec_tag_string"));
    assertEquals("320", v.get("width"));
    assertEquals("240", v.get("height"));
    assertEquals(String.valueOf(videoFrames), v.get("nb_read_frames"), "decoded video frames");
    Map<String, String> a = probeStream(muxed, "a:0");
    assertEquals("aac", a.get("codec_name"));
    assertEquals("48000", a.get("sample_rate"));
    assertEquals(String.valueOf(audioFrames), a.get("nb_read_frames"), "decoded audio frames");
    // lip sync: video starts as far after the audio as it does in the source (ffmpeg delays video
    // by any negative composition offsets, which is why there are none)
    assertEquals(startGap(mkvFile()), startGap(muxed), 0.001, "video start minus audio start");
    // the clock runs on epoch time: the span is the duration minus the start
    assertEquals(span(mkvFile()), span(muxed) - EPOCH_OFFSET_NS / 1e9, 0.05, "duration");

    // one track per file, as an HLS video playlist and its audio rendition fetch them
    Path videoOnly = repackage(src, "video.mp4", 1);
    assertEquals("", decodeErrors(videoOnly));
    assertEquals(String.valueOf(videoFrames), probeStream(videoOnly, "v:0").get("nb_read_frames"));
    Path audioOnly = repackage(src, "audio.mp4", 2);
    assertEquals("", decodeErrors(audioOnly));
    assertEquals(String.valueOf(audioFrames), probeStream(audioOnly, "a:0").get("nb_read_frames"));
  }

  @Test
  void audioOnlyStream() throws Exception {
    Source src = encode(null, false);
    Path out = repackage(src, "aac.mp4");
    assertEquals("", decodeErrors(out));
    Map<String, String> a = probeStream(out, "a:0");
    assertEquals("aac", a.get("codec_name"));
    assertEquals(String.valueOf(src.count(1)), a.get("nb_read_frames"));
  }

  /** Encodes {@link #SECONDS} s of test pattern and tone to Matroska and reads it back. */
  private Source encode(String videoEncoder, boolean audio) throws Exception {
    Path mkv = mkvFile();
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
    if (videoEncoder != null) {
      cmd.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=" + FPS));
    }
    cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t",
        String.valueOf(SECONDS)));
    if (videoEncoder != null) {
      cmd.addAll(List.of(videoEncoder.trim().split(" ")));
      cmd.addAll(List.of("-pix_fmt", "yuv420p"));
    }
    cmd.addAll(List.of("-c:a", "aac", "-b:a", "64k", mkv.toString()));
    run(cmd);
    List<TrackEntry> tracks = new ArrayList<>();
    List<Frame> frames = new ArrayList<>();
    MkvReader reader = new MkvReader(new MkvHandler() {
      @Override
      public void onTracks(List<TrackEntry> t, ByteBuffer raw) {
        tracks.addAll(t);
      }

      @Override
      public void onFrame(MkvFrame f) {
        byte[] p = new byte[f.payload().remaining()];
        f.payload().duplicate().get(p);
        // relativeMs holds the absolute ms time here; fragments re-base it on their cluster
        frames.add(new Frame(f.trackNumber(), (int) (f.timecodeNs() / 1_000_000), f.keyFrame(), p));
      }
    });
    reader.feed(ByteBuffer.wrap(Files.readAllBytes(mkv)));
    reader.end();
    return new Source(tracks, frames);
  }

  /**
   * Cuts the frames, in stream order, into fragments at each key frame of the first track (as a
   * KVS producer starts a cluster), writes each as a stored fragment, repackages it and writes
   * init + segments to {@code name}.
   */
  private Path repackage(Source src, String name, int... tracks) throws IOException {
    List<List<Frame>> fragments = new ArrayList<>();
    int firstTrack = src.tracks().get(0).trackNumber();
    for (Frame f : src.frames()) {
      if (fragments.isEmpty() || (f.track() == firstTrack && f.key() && !fragments.get(fragments.size() - 1)
          .stream().filter(x -> x.track() == firstTrack).toList().isEmpty())) {
        fragments.add(new ArrayList<>());
      }
      fragments.get(fragments.size() - 1).add(f);
    }
    assertTrue(fragments.size() >= SECONDS - 1, fragments.size() + " fragments");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<Integer, Long> nextTfdt = new HashMap<>();
    for (int i = 0; i < fragments.size(); i++) {
      List<Frame> frames = fragments.get(i);
      long cluster = start(frames);
      List<Frame> relative = frames.stream().map(f -> new Frame(f.track(), (int) (f.relativeMs() - cluster),
          f.key(), f.payload())).toList();
      MkvFragmentRepackager r = TestFragments.read(TestFragments.fragment(src.tracks(), cluster, relative),
          64 * 1024, tracks);
      if (i == 0) {
        out.writeBytes(r.initSegment());
      }
      // the next fragment's start as the index keeps it: its key frame's time, the cluster timecode
      // of a KVS producer (audio ignores it: an AAC frame's duration is fixed)
      long end = i + 1 < fragments.size()
          ? start(fragments.get(i + 1).stream().filter(f -> f.track() == firstTrack).toList()) * 1_000_000
          : MediaSegmentBuilder.NO_END;
      MediaSegment seg = r.segment(i + 1, EPOCH_OFFSET_NS, end);
      for (TrackTiming t : seg.tracks()) {
        Long expected = nextTfdt.put(t.trackId(), t.endDecodeTime());
        if (expected != null && r.tracks().stream().anyMatch(x -> x.trackId() == t.trackId() && x.isVideo())) {
          assertEquals(expected, t.baseDecodeTime(), "video segments are contiguous");
        }
      }
      seg.writeTo(out);
    }
    Path file = dir.resolve(name);
    Files.write(file, out.toByteArray());
    return file;
  }

  private Path mkvFile() {
    return dir.resolve("source.mkv");
  }

  /** ffprobe's format duration, counted from 0 as ffprobe counts it. */
  private static double span(Path file) throws Exception {
    return Double.parseDouble(run(List.of("ffprobe", "-v", "error", "-show_entries", "format=duration",
        "-of", "default=nk=1:nw=1", file.toString())).trim());
  }

  /** First video presentation time minus first audio presentation time, in seconds, per ffprobe. */
  private static double startGap(Path file) throws Exception {
    String[] v = run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
        "stream=start_time", "-of", "default=nk=1:nw=1", file.toString())).trim().split("\\s+");
    String[] a = run(List.of("ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
        "stream=start_time", "-of", "default=nk=1:nw=1", file.toString())).trim().split("\\s+");
    return new java.math.BigDecimal(v[0]).subtract(new java.math.BigDecimal(a[0])).doubleValue();
  }

  private static long start(List<Frame> frames) {
    return frames.stream().mapToLong(Frame::relativeMs).min().orElseThrow();
  }

  private static String decodeErrors(Path file) throws Exception {
    return run(List.of("ffmpeg", "-hide_banner", "-v", "error", "-i", file.toString(), "-f", "null", "-"));
  }

  private static Map<String, String> probeStream(Path file, String stream) throws Exception {
    String out = run(List.of("ffprobe", "-v", "error", "-count_frames", "-select_streams", stream,
        "-show_entries", "stream=codec_name,codec_tag_string,width,height,sample_rate,nb_read_frames",
        "-of", "default=nw=1", file.toString()));
    Map<String, String> m = new HashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1).trim());
      }
    }
    return m;
  }

  /** Runs a command; returns stdout and stderr together, fails on a non-zero exit. */
  static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
    assertEquals(0, p.exitValue(), cmd + " failed: " + out);
    return out;
  }
}
