package io.vidlog.media.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.fmp4.InteropMedia.Cut;
import io.vidlog.media.fmp4.InteropMedia.Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "h264 | -c:v libx264 -profile:v high -bf 3 -g 25 -keyint_min 25 -sc_threshold 0 | avc1",
      "hevc | -c:v libx265 -x265-params log-level=error:bframes=3:keyint=25:min-keyint=25:scenecut=0 | hvc1"})
  void ffmpegDecodesEveryFrame(String codec, String encoder, String tag) throws Exception {
    Source src = InteropMedia.encode(mkvFile(), encoder, true, SECONDS, FPS, "320x240");
    long videoFrames = src.count(1);
    long audioFrames = src.count(2);
    assertEquals(SECONDS * FPS, videoFrames);

    // muxed: both tracks in every segment
    Path muxed = repackage(src, "muxed.mp4");
    assertEquals("", InteropMedia.decodeErrors(muxed), "ffmpeg errors decoding " + muxed);
    Map<String, String> v = InteropMedia.probeStream(muxed, "v:0");
    assertEquals(codec, v.get("codec_name"));
    assertEquals(tag, v.get("codec_tag_string"));
    assertEquals("320", v.get("width"));
    assertEquals("240", v.get("height"));
    assertEquals(String.valueOf(videoFrames), v.get("nb_read_frames"), "decoded video frames");
    Map<String, String> a = InteropMedia.probeStream(muxed, "a:0");
    assertEquals("aac", a.get("codec_name"));
    assertEquals("48000", a.get("sample_rate"));
    assertEquals(String.valueOf(audioFrames), a.get("nb_read_frames"), "decoded audio frames");
    // lip sync: video starts as far after the audio as it does in the source (ffmpeg delays video
    // by any negative composition offsets, which is why there are none)
    assertEquals(InteropMedia.startGap(mkvFile()), InteropMedia.startGap(muxed), 0.001, "video start minus audio start");
    // the clock runs on epoch time: the span is the duration minus the start
    assertEquals(InteropMedia.span(mkvFile()), InteropMedia.span(muxed) - EPOCH_OFFSET_NS / 1e9, 0.05, "duration");

    // one track per file, as an HLS video playlist and its audio rendition fetch them
    Path videoOnly = repackage(src, "video.mp4", 1);
    assertEquals("", InteropMedia.decodeErrors(videoOnly));
    assertEquals(String.valueOf(videoFrames), InteropMedia.probeStream(videoOnly, "v:0").get("nb_read_frames"));
    Path audioOnly = repackage(src, "audio.mp4", 2);
    assertEquals("", InteropMedia.decodeErrors(audioOnly));
    assertEquals(String.valueOf(audioFrames), InteropMedia.probeStream(audioOnly, "a:0").get("nb_read_frames"));
  }

  @Test
  void audioOnlyStream() throws Exception {
    Source src = InteropMedia.encode(mkvFile(), null, true, SECONDS, FPS, "320x240");
    Path out = repackage(src, "aac.mp4");
    assertEquals("", InteropMedia.decodeErrors(out));
    Map<String, String> a = InteropMedia.probeStream(out, "a:0");
    assertEquals("aac", a.get("codec_name"));
    assertEquals(String.valueOf(src.count(1)), a.get("nb_read_frames"));
  }

  /**
   * Cuts the frames, in stream order, into fragments at each key frame of the first track (as a
   * KVS producer starts a cluster), writes each as a stored fragment, repackages it and writes
   * init + segments to {@code name}.
   */
  private Path repackage(Source src, String name, int... tracks) throws IOException {
    List<Cut> fragments = InteropMedia.cut(src);
    int firstTrack = src.tracks().get(0).trackNumber();
    assertTrue(fragments.size() >= SECONDS - 1, fragments.size() + " fragments");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<Integer, Long> nextTfdt = new HashMap<>();
    for (int i = 0; i < fragments.size(); i++) {
      Cut c = fragments.get(i);
      MkvFragmentRepackager r = TestFragments.read(TestFragments.fragment(src.tracks(), c.clusterMs(), c.frames()),
          64 * 1024, tracks);
      if (i == 0) {
        out.writeBytes(r.initSegment());
      }
      // the next fragment's start as the index keeps it: its key frame's time, the cluster timecode
      // of a KVS producer (audio ignores it: an AAC frame's duration is fixed)
      Cut next = i + 1 < fragments.size() ? fragments.get(i + 1) : null;
      long end = next != null
          ? (next.clusterMs() + InteropMedia.start(next.frames().stream().filter(f -> f.track() == firstTrack)
              .toList())) * 1_000_000
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
}
