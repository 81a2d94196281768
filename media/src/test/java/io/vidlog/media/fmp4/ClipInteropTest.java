package io.vidlog.media.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.fmp4.InteropMedia.Cut;
import io.vidlog.media.fmp4.InteropMedia.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ffmpeg encodes H.264/H.265 (with B-frames) + AAC into Matroska; the frames are cut into KVS-style
 * fragments at video key frames, stored-fragment style, and made into one progressive MP4 clip.
 * ffprobe must report the encoded codec, size, frame counts and duration, audio and video must
 * start as far apart as in the source, and ffmpeg must decode every frame without one error
 * message. Fails (never skips) when ffmpeg or ffprobe is missing.
 */
@Tag("interop")
class ClipInteropTest {
  private static final int SECONDS = 4;
  private static final int FPS = 25;

  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "h264 | -c:v libx264 -profile:v high -bf 3 -g 25 -keyint_min 25 -sc_threshold 0 | avc1 | High",
      "hevc | -c:v libx265 -x265-params log-level=error:bframes=3:keyint=25:min-keyint=25:scenecut=0 | hvc1 | Main"})
  void ffprobeReadsTheClipAndFfmpegDecodesEveryFrame(String codec, String encoder, String tag, String profile)
      throws Exception {
    Path mkv = dir.resolve("source.mkv");
    Source src = InteropMedia.encode(mkv, encoder, true, SECONDS, FPS, "320x240");
    List<Cut> cuts = InteropMedia.cut(src);
    assertTrue(cuts.size() >= SECONDS - 1, cuts.size() + " fragments");
    List<byte[]> fragments = new ArrayList<>();
    long[] at = new long[cuts.size()];
    for (int i = 0; i < cuts.size(); i++) {
      fragments.add(TestFragments.fragment(src.tracks(), cuts.get(i).clusterMs(), cuts.get(i).frames()));
      at[i] = cuts.get(i).clusterMs() - cuts.get(0).clusterMs(); // the clip clock starts with the first fragment
    }
    ClipMovie movie = TestClips.plan(fragments, at, TestClips.UNLIMITED, 64 * 1024);
    byte[] bytes = TestClips.write(movie, fragments, 64 * 1024);
    assertEquals(movie.length(), bytes.length);
    Path clip = dir.resolve("clip.mp4");
    Files.write(clip, bytes);

    assertEquals("", InteropMedia.decodeErrors(clip), "ffmpeg errors decoding the clip");
    Map<String, String> v = InteropMedia.probeStream(clip, "v:0");
    assertEquals(codec, v.get("codec_name"));
    assertEquals(tag, v.get("codec_tag_string"));
    assertEquals(profile, v.get("profile"));
    assertEquals("320", v.get("width"));
    assertEquals("240", v.get("height"));
    assertEquals(String.valueOf(src.count(1)), v.get("nb_read_frames"), "decoded video frames");
    assertEquals(SECONDS, Double.parseDouble(v.get("duration")), 0.05, "video duration");
    Map<String, String> a = InteropMedia.probeStream(clip, "a:0");
    assertEquals("aac", a.get("codec_name"));
    assertEquals("48000", a.get("sample_rate"));
    assertEquals(String.valueOf(src.count(2)), a.get("nb_read_frames"), "decoded audio frames");
    assertEquals(InteropMedia.startGap(mkv), InteropMedia.startGap(clip), 0.001, "video start minus audio start");
    assertEquals(InteropMedia.span(mkv), InteropMedia.span(clip), 0.05, "duration");
    assertEquals(0.0, Double.parseDouble(InteropMedia.startTime(clip, "a:0")), 0.001, "the clip starts at 0");
  }
}
