package io.vidlog.playback.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.TrackEntry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jcodec's pictures against ffmpeg's: a moving pattern encoded by ffmpeg (Baseline, Main with
 * B-frames, High with 8×8 transforms), pictures made for times across two groups of pictures, each
 * compared pixel by pixel with ffmpeg's decoding of the same frame; each decodes (ImageIO) to the
 * requested size and differs from its neighbour. Fails (never skips) without ffmpeg.
 */
@Tag("interop")
class PicturesInteropTest {
  static final int FPS = 25;

  @TempDir
  Path dir;

  static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  /** The file's H.264 frames with their absolute times (ffmpeg starts a Cluster at each key frame). */
  record Source(byte[] avcC, List<VideoFrame> frames) {}

  Source read(Path mkv) throws Exception {
    byte[][] avcC = new byte[1][];
    List<VideoFrame> frames = new ArrayList<>();
    MkvReader r = new MkvReader(new MkvHandler() {
      @Override
      public void onTracks(List<TrackEntry> tracks, ByteBuffer raw) {
        avcC[0] = tracks.get(0).codecPrivate();
      }

      @Override
      public void onFrame(MkvFrame f) {
        byte[] data = new byte[f.payload().remaining()];
        f.payload().duplicate().get(data);
        frames.add(new VideoFrame(f.timecodeNs() / 1_000_000, f.keyFrame(), data));
      }
    });
    r.feed(ByteBuffer.wrap(Files.readAllBytes(mkv)));
    r.end();
    return new Source(avcC[0], frames);
  }

  /** ffmpeg's picture of the frame presented at {@code ms} (frame index ms × fps / 1000), as RGB. */
  BufferedImage ffmpeg(Path mkv, long ms) throws Exception {
    Path png = dir.resolve("ffmpeg-" + ms + ".png");
    run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", mkv.toString(), "-vf",
        "select=eq(n\\," + ms * FPS / 1000 + ")", "-vsync", "0", "-frames:v", "1", png.toString()));
    return ImageIO.read(png.toFile());
  }

  static double meanAbsDiff(BufferedImage a, BufferedImage b) {
    assertEquals(a.getWidth(), b.getWidth());
    assertEquals(a.getHeight(), b.getHeight());
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          sum += Math.abs((p >> s & 0xFF) - (q >> s & 0xFF));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "main", "high"})
  void jcodecPicturesMatchFfmpegsAndNeighboursDiffer(String profile) throws Exception {
    Path mkv = dir.resolve(profile + ".mkv");
    run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=" + FPS, "-t", "2", "-c:v", "libx264", "-profile:v", profile, "-g", "25",
        "-pix_fmt", "yuv420p", "-f", "matroska", mkv.toString()));
    // times in both groups of pictures, some on B-frames, one repeated (a picture reused)
    long[] times = {0, 200, 440, 440, 960, 1000, 1240, 1960};
    Source src = read(mkv);
    FramePictures.Budget budget = new FramePictures.Budget(1_000);
    List<FramePictures.Answer> answers = FramePictures.pictures(src.avcC(), src.frames(), times, budget, true);
    assertEquals(times.length, answers.size());
    for (int i = 0; i < times.length; i++) {
      assertFalse(answers.get(i).failed(), "picture at " + times[i]);
      BufferedImage ours = answers.get(i).picture();
      assertEquals(320, ours.getWidth());
      assertEquals(240, ours.getHeight());
      double diff = meanAbsDiff(ours, ffmpeg(mkv, times[i]));
      assertTrue(diff < 2.5, profile + " picture at " + times[i] + " ms differs from ffmpeg's by " + diff);
    }
    // encoded and decoded again, at a requested size; neighbours differ (the pattern moves)
    BufferedImage previous = null;
    for (int i = 0; i < times.length; i++) {
      byte[] jpeg = ImageEncoder.encode(answers.get(i).picture(), new ImageEncoder.Spec(ImageEncoder.Format.JPEG,
          160, 0, 80));
      BufferedImage back = ImageIO.read(new ByteArrayInputStream(jpeg));
      assertEquals(160, back.getWidth());
      assertEquals(120, back.getHeight());
      if (previous != null && times[i] != times[i - 1]) {
        assertTrue(meanAbsDiff(previous, back) > 1, "pictures at " + times[i - 1] + " and " + times[i] + " differ");
      }
      previous = back;
    }
  }

  @org.junit.jupiter.api.Test
  void decodersRunOnTheCallingThreadOnly() throws Exception {
    org.jcodec.codecs.h264.H264Decoder d = JcodecDecoders.singleThreaded();
    java.lang.reflect.Field threaded = d.getClass().getDeclaredField("threaded");
    java.lang.reflect.Field pool = d.getClass().getDeclaredField("tp");
    threaded.setAccessible(true);
    pool.setAccessible(true);
    assertFalse(threaded.getBoolean(d), "slice-parallel decoding off");
    assertTrue(((java.util.concurrent.ExecutorService) pool.get(d)).isShutdown(), "the decoder's own pool stopped");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void picturesOfAlternatingStreamsOnOneThread(int rounds) throws Exception {
    Path small = dir.resolve("small.mkv");
    Path large = dir.resolve("large.mkv");
    for (Path p : new Path[] {small, large}) {
      run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
          "testsrc2=size=" + (p == small ? "176x144" : "352x288") + ":rate=" + FPS, "-t", "1", "-c:v", "libx264",
          "-g", "25", "-pix_fmt", "yuv420p", "-f", "matroska", p.toString()));
    }
    long[] times = {480};
    for (int r = 0; r < rounds; r++) {
      for (Path p : new Path[] {small, large}) {
        Source src = read(p);
        FramePictures.Answer a = FramePictures.pictures(src.avcC(), src.frames(), times,
            new FramePictures.Budget(100), true).get(0);
        assertFalse(a.failed());
        assertTrue(meanAbsDiff(a.picture(), ffmpeg(p, 480)) < 2.5, p + " round " + r);
      }
    }
  }
}
