package io.vidlog.producer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.producer.ReadFrame;
import io.vidlog.producer.VidlogClient;
import io.vidlog.producer.source.FileSources;
import io.vidlog.producer.source.Recorder;
import io.vidlog.producer.source.SourceFrame;
import io.vidlog.producer.source.TestMedia;
import io.vidlog.producer.testing.TestVidlog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vidlog tail} as shipped, against a real vidlog: with {@code --checkpoint} and {@code --out}
 * it is stopped (SIGTERM) and killed (SIGKILL) again and again while the camera streams live, and
 * the file ends up holding every stored frame exactly once, in order; without {@code --out} it
 * prints a line per frame, and with {@code --out -} writes MKV to standard output.
 */
class TailIT {

  @Test
  void aTailStoppedAndKilledManyTimesWritesEveryFrameOnceIntoItsFile(@TempDir Path dataDir, @TempDir Path work)
      throws Exception {
    String stream = "tail-restarts";
    Path checkpoint = work.resolve("tail.checkpoint");
    Path out = work.resolve("tail.mkv");
    try (TestVidlog vidlog = TestVidlog.start(dataDir); VidlogClient client = vidlog.client()) {
      CliProcess camera = CliProcess.start(vidlog, work, "camera", "--stream", stream, "--duration", "30", "--size",
          "160x120", "--fps", "10", "--gop", "10");
      await(() -> client.findStream(stream).isPresent(), "the camera created the stream");
      int kills = 0;
      int stops = 0;
      // stop or kill the tail each time it has saved a new checkpoint, while the camera streams and after,
      // while the tail is still catching up
      while (camera.isAlive() || kills + stops < 6) {
        String before = read(checkpoint);
        CliProcess tail = tail(vidlog, work, stream, checkpoint, out);
        // while the camera streams, a tail always gets new frames; once it has ended, a tail that gets
        // none within 20 s has caught up
        boolean progressed = within(camera.isAlive() ? 60 : 20,
            () -> tail.stderrSoFar().contains("reading from") && !read(checkpoint).equals(before));
        if (!progressed) {
          tail.kill();
          assertTrue(!camera.isAlive(), "a tail made no progress in a minute while the camera streamed");
          break;
        }
        if ((kills + stops) % 2 == 0) {
          tail.kill(); // SIGKILL: nothing flushed, no goodbye
          kills++;
        } else {
          String at = read(checkpoint);
          CliProcess.Result r = tail.stop(); // SIGTERM, as Ctrl-C
          assertTrue(r.stderr().contains("frames of"), () -> r + "\ncheckpoint before: " + before + "now: " + at);
          stops++;
        }
      }
      CliProcess.Result cameraRun = camera.await();
      assertEquals(0, cameraRun.exitCode(), cameraRun::toString);

      StoredFrames stored = StoredFrames.read(client, stream);
      String last = stored.fragments.get(stored.fragments.size() - 1).fragmentNumber();
      CliProcess tail = tail(vidlog, work, stream, checkpoint, out);
      await(() -> read(checkpoint).contains(last + " ") && read(checkpoint).contains(" complete"),
          "the tail reached the end of the last fragment " + last);
      tail.stop();

      assertTrue(kills >= 2 && stops >= 2, "killed " + kills + " and stopped " + stops + " times");
      Recorder file = new Recorder();
      FileSources.open(out, null).run(file);
      assertEquals(describe(stored.frames), describeFile(file.frames), "every stored frame once, in order, after "
          + kills + " kills and " + stops + " stops");
    }
  }

  @Test
  void aTailPrintsALinePerFrameOrWritesMkvToStandardOutput(@TempDir Path dataDir, @TempDir Path work)
      throws Exception {
    String stream = "tail-out";
    Recorder camera = TestMedia.cameraFrames(160, 120, 30, 10);
    Path file = TestMedia.write(work.resolve("cam.mkv"), TestMedia.mkv(camera.tracks(), camera.frames, 10, true));
    try (TestVidlog vidlog = TestVidlog.start(dataDir); VidlogClient client = vidlog.client()) {
      assertEquals(0, CliProcess.run(vidlog, work, "put", file.toString(), "--stream", stream).exitCode());
      StoredFrames stored = StoredFrames.read(client, stream);

      CliProcess lines = CliProcess.start(vidlog, work, "tail", "--stream", stream, "--start", "earliest");
      await(() -> lines.stdoutSoFar().lines().count() >= 30, "a line for each of the 30 frames");
      CliProcess.Result r = lines.stop();
      List<String> printed = r.stdout().lines().toList();
      assertEquals(30, printed.size(), r::toString);
      for (int i = 0; i < 30; i++) {
        ReadFrame f = stored.frames.get(i);
        assertTrue(printed.get(i).startsWith(f.fragmentNumber() + " " + f.frameIndex() + " track 1 " + f.timestamp()
            + (f.keyFrame() ? " key " : "     ") + f.data().length + " bytes"), printed.get(i));
      }

      CliProcess mkv = CliProcess.start(vidlog, work, "tail", "--stream", stream, "--start", "earliest", "--out", "-");
      Recorder piped = new Recorder();
      await(() -> framesIn(mkv.stdoutFile()) == 30, "the 30 frames on standard output");
      mkv.stop();
      FileSources.open(mkv.stdoutFile(), null).run(piped);
      assertEquals(describe(stored.frames), describeFile(piped.frames));
    }
  }

  private static CliProcess tail(TestVidlog vidlog, Path work, String stream, Path checkpoint, Path out)
      throws IOException {
    return CliProcess.start(vidlog, work, "tail", "--stream", stream, "--start", "earliest", "--checkpoint",
        checkpoint.toString(), "--out", out.toString());
  }

  private static List<String> describe(List<ReadFrame> frames) {
    List<String> out = new ArrayList<>();
    for (ReadFrame f : frames) {
      out.add(f.timestamp().toEpochMilli() + " " + (f.keyFrame() ? "K" : "_") + " " + Recorder.crc(ByteBuffer.wrap(f.data())));
    }
    return out;
  }

  private static List<String> describeFile(List<SourceFrame> frames) {
    List<String> out = new ArrayList<>();
    for (SourceFrame f : frames) {
      out.add(f.ptsNanos() / 1_000_000 + " " + (f.keyFrame() ? "K" : "_") + " " + Recorder.crc(f.data()));
    }
    return out;
  }

  /** Frames a (possibly still growing) MKV file holds whole, or -1 while it cannot be read yet. */
  private static int framesIn(Path mkv) {
    try {
      Recorder r = new Recorder();
      FileSources.open(mkv, null).run(r);
      return r.frames.size();
    } catch (Exception | AssertionError e) {
      return -1;
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return ""; // replaced while read: try again
    }
  }

  /** Whether a condition came true within {@code seconds}. */
  static boolean within(int seconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Waits for a condition, failing after a minute. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
