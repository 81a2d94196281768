package io.vidlog.media.mp4;

import io.vidlog.media.nal.CodecDescription;
import io.vidlog.media.nal.CodecPrivate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Encodes fresh files with ffmpeg (sizes, profiles, bit depths and audio layouts the fixtures do
 * not cover), asks ffprobe about them, and checks both demuxers and the codec-private parsers
 * against its answers. Fails (never skips) when ffmpeg or ffprobe is missing.
 */
@Tag("interop")
class Mp4InteropTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "libx264 -profile:v high -pix_fmt yuv420p -bf 3 | 426x240 | 30000/1001 | 44100 | 2",
      "libx264 -profile:v main -pix_fmt yuv420p -bf 2 | 200x150 | 15 | 22050 | 1",
      "libx265 -pix_fmt yuv420p10le -bf 4 -x265-params log-level=error | 320x240 | 24 | 48000 | 2",
      "libx265 -pix_fmt yuv420p -tag:v hvc1 -x265-params log-level=error | 176x144 | 25 | 32000 | 6"})
  void freshEncodesMatchFfprobe(String video, String size, String rate, int sampleRate,
      int channels) throws Exception {
    for (String movflags : List.of("frag_keyframe+empty_moov+default_base_moof", "+faststart", "")) {
      Path file = dir.resolve("enc" + movflags.length() + ".mp4");
      List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error",
          "-y", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + rate, "-f", "lavfi",
          "-i", "sine=sample_rate=" + sampleRate, "-t", "1.5", "-ac", String.valueOf(channels),
          "-g", "12", "-c:v"));
      cmd.addAll(List.of(video.trim().split(" ")));
      cmd.addAll(List.of("-c:a", "aac", "-b:a", "32k"));
      if (!movflags.isEmpty()) {
        cmd.addAll(List.of("-movflags", movflags));
      }
      cmd.add(file.toString());
      run(cmd);
      Probe probe = Probe.parse(
          run(List.of("ffprobe", "-v", "error", "-show_entries",
              "stream=index,codec_name,time_base,width,height,sample_rate,channels", "-of",
              "csv=p=0:nk=0", file.toString())).lines().map(l -> "stream," + l)
              .reduce("", (a, b) -> a + b + "\n")
          + run(List.of("ffprobe", "-v", "error", "-show_entries",
              "packet=stream_index,pts,dts,size,pos,flags", "-of", "csv=p=0:nk=0",
              file.toString())).lines().map(l -> "packet," + l).reduce("", (a, b) -> a + b + "\n"));
      byte[] bytes = Files.readAllBytes(file);
      String what = video + " " + movflags;

      Mp4DemuxTest.Collector c = new Mp4DemuxTest.Collector();
      Mp4Demux.file(file, Mp4Limits.defaults(), c);
      Mp4DemuxTest.assertMatchesProbe(what, probe, bytes, c);
      if (movflags.startsWith("frag")) {
        int[] cuts = new Random(7).ints(30, 0, bytes.length + 1).sorted().toArray();
        assertEquals(Mp4DemuxTest.summary(c),
            Mp4DemuxTest.summary(Mp4DemuxTest.pushInSlices(bytes, cuts)), what);
      }
      Map<String, String> v = probe.streams().get(0);
      Mp4Track t = c.tracks.get(0);
      CodecDescription d = CodecPrivate.describe(t.codecId(), t.codecPrivate());
      assertEquals(v.get("width"), String.valueOf(d.width()), what);
      assertEquals(v.get("height"), String.valueOf(d.height()), what);
      assertTrue(t.codecString().startsWith(video.startsWith("libx264") ? "avc1." : "hvc1."), what);
    }
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timeout: " + cmd);
    assertEquals(0, p.exitValue(), cmd + "\n" + out);
    return out;
  }
}
