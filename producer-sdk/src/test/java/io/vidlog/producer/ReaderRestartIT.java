package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.producer.testing.ReaderProcess;
import io.vidlog.producer.testing.SyntheticH264;
import io.vidlog.producer.testing.TestVidlog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader application killed with SIGKILL and started again many times while a camera-paced stream goes
 * on: it resumes from its checkpoint each time, inside fragments too, and in the end has processed every
 * frame exactly once. The application keeps its output and checkpoint in one file
 * ({@link ReaderProcess.OutputLog}); the reader's part is to deliver each frame after the checkpoint once,
 * and nothing before it.
 */
class ReaderRestartIT {
  static final String STREAM = "sdk-reader-restart";
  static final int FPS = 25;

  @Test
  void aKilledReaderResumesAndProcessesEveryFrameExactlyOnce(@TempDir Path dataDir, @TempDir Path work)
      throws Exception {
    int seconds = Integer.getInteger("vidlog.sdk.readerSeconds", 30);
    Path log = work.resolve("reader.log");
    try (TestVidlog vidlog = TestVidlog.start(dataDir); VidlogClient client = vidlog.client()) {
      client.createStream(StreamSpec.named(STREAM));
      int frames = seconds * FPS;
      AtomicBoolean producing = new AtomicBoolean(true);
      Throwable[] producerFailure = new Throwable[1];
      Thread camera = new Thread(() -> {
        ProducerConfig config = ProducerConfig.builder(STREAM).track(TrackConfig.h264(1)).build();
        try (StreamProducer producer = client.producer(config)) {
          Instant start = Instant.ofEpochMilli(System.currentTimeMillis());
          for (int i = 0; i < frames; i++) {
            Instant pts = start.plusMillis(i * 1000L / FPS);
            long wait = pts.toEpochMilli() - System.currentTimeMillis();
            if (wait > 0) {
              Thread.sleep(wait);
            }
            producer.putFrame(1, pts, pts, i % FPS == 0, SyntheticH264.frame(i % FPS == 0, "r" + i, 1500));
          }
          producer.flush(Duration.ofSeconds(30));
        } catch (Throwable t) {
          producerFailure[0] = t;
        } finally {
          producing.set(false);
        }
      }, "test-camera");
      camera.start();

      Random random = new Random(12);
      int kills = 0;
      while (producing.get()) {
        Process p = start(vidlog, log);
        long linesAtStart = lines(log);
        // let it make progress (a JVM start and a GetMedia), then kill it at a random moment
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lines(log) <= linesAtStart && System.nanoTime() < deadline && p.isAlive()) {
          Thread.sleep(20);
        }
        Thread.sleep(random.nextInt(1500));
        p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no flush, no goodbye
        kills++;
      }
      camera.join();
      assertEquals(null, producerFailure[0]);

      Process last = start(vidlog, log);
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (processed(log).size() < frames && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
      } finally {
        last.destroyForcibly().waitFor();
      }
      System.out.println("reader restart test: " + kills + " kills, " + lines(log) + " log lines");
      assertTrue(kills >= 10, "killed many times: " + kills);
      Map<String, Integer> counts = new HashMap<>();
      for (String label : processed(log)) {
        counts.merge(label, 1, Integer::sum);
      }
      List<String> missing = new ArrayList<>();
      List<String> twice = new ArrayList<>();
      for (int i = 0; i < frames; i++) {
        int n = counts.getOrDefault("r" + i, 0);
        if (n == 0) {
          missing.add("r" + i);
        } else if (n > 1) {
          twice.add("r" + i);
        }
      }
      assertEquals(List.of(), missing, "frames never processed");
      assertEquals(List.of(), twice, "frames processed more than once");
    }
  }

  static Process start(TestVidlog vidlog, Path log) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        ReaderProcess.class.getName(), vidlog.url().toString(), vidlog.certificate().toString(),
        vidlog.admin.accessKeyId(), vidlog.admin.secretAccessKey(), STREAM, log.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  static long lines(Path log) throws IOException {
    return Files.exists(log) ? Files.readAllLines(log).size() : 0;
  }

  static List<String> processed(Path log) throws IOException {
    List<String> out = new ArrayList<>();
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log)) {
        String label = ReaderProcess.OutputLog.labelOf(line);
        if (label != null) {
          out.add(label);
        }
      }
    }
    return out;
  }
}
