package io.vidlog.bench.sdk;

import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.producer.camera.CameraClock;
import io.vidlog.producer.camera.CameraSettings;
import io.vidlog.producer.camera.TestPatternCamera;
import io.vidlog.producer.source.FrameSink;
import io.vidlog.producer.source.SourceFrame;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;

/**
 * The test-pattern camera's cost (painting, jcodec's H.264 Baseline encoder, Annex-B → AVCC), on the
 * calling thread. Two parts per size:
 *
 * <ol>
 *   <li><b>throughput</b>: frames made as fast as possible (a clock that never waits) for SECONDS after
 *       the camera's own warm-up, reported as frames per second and CPU milliseconds per frame of the
 *       camera thread; at least 25 fps means the size sustains real time at 25 fps on one core;</li>
 *   <li><b>real time</b>: the camera as {@code vidlog camera} runs it, paced at 25 fps on the system clock
 *       for SECONDS, reporting frames made, frames skipped late, and the camera thread's CPU as a share of
 *       one core.</li>
 * </ol>
 *
 * <p>Run it on one core to answer "does it sustain real time on one core": {@code taskset -c 1 java -cp
 * bench/target/benchmarks.jar io.vidlog.bench.sdk.CameraBench [SECONDS] [WxH ...]} (defaults 20 s and the
 * camera's default size, 320x240 and 1280x720). The JIT's compiler threads share that core too.
 */
public final class CameraBench {
  private CameraBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    List<String> sizes = args.length > 1 ? List.of(args).subList(1, args.length)
        : List.of(CameraSettings.DEFAULT_WIDTH + "x" + CameraSettings.DEFAULT_HEIGHT, "320x240", "1280x720");
    System.out.printf("CameraBench: %d s per part, %d cores visible, Java %s, %s%n", seconds,
        Runtime.getRuntime().availableProcessors(), Runtime.version(), System.getProperty("os.arch"));
    for (String size : sizes) {
      int[] wh = CameraSettings.parseSize(size);
      throughput(wh[0], wh[1], seconds);
      realTime(wh[0], wh[1], seconds);
    }
  }

  /** Frames as fast as the thread makes them, after the camera's own warm-up. */
  private static void throughput(int width, int height, int seconds) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Unpaced clock = new Unpaced();
    TestPatternCamera camera = new TestPatternCamera(new CameraSettings(width, height, 25, 50, null), clock);
    long[] start = new long[2];
    long[] frames = {0};
    long end = seconds * 1_000_000_000L;
    Thread runner = Thread.currentThread();
    try {
      camera.run(new FrameSink() {
        @Override
        public void onTracks(List<TrackEntry> tracks) {
          start[0] = System.nanoTime();
          start[1] = threads.getCurrentThreadCpuTime();
        }

        @Override
        public void onFrame(SourceFrame frame) {
          frames[0]++;
          if (System.nanoTime() - start[0] >= end) {
            runner.interrupt();
          }
        }
      });
    } catch (InterruptedException e) {
      // the measured span is over
    }
    double wall = (System.nanoTime() - start[0]) / 1e9;
    double cpuMs = (threads.getCurrentThreadCpuTime() - start[1]) / 1e6;
    TestPatternCamera.Stats s = camera.stats();
    System.out.printf("  %dx%d throughput: %.1f frames/s (%d frames in %.1f s, %.1f CPU ms per frame, %d B per"
        + " frame) after a %d ms warm-up%n", width, height, frames[0] / wall, frames[0], wall, cpuMs / frames[0],
        s.bytes() / Math.max(1, s.frames()), camera.warmUp().toMillis());
  }

  /** The camera paced at 25 fps on the system clock, as {@code vidlog camera} runs it. */
  private static void realTime(int width, int height, int seconds) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    TestPatternCamera camera = new TestPatternCamera(new CameraSettings(width, height, 25, 50,
        Duration.ofSeconds(seconds)));
    long[] cpuStart = new long[1];
    camera.run(new FrameSink() {
      @Override
      public void onTracks(List<TrackEntry> tracks) {
        cpuStart[0] = threads.getCurrentThreadCpuTime();
      }

      @Override
      public void onFrame(SourceFrame frame) {}
    });
    double cpu = (threads.getCurrentThreadCpuTime() - cpuStart[0]) / 1e9;
    TestPatternCamera.Stats s = camera.stats();
    System.out.printf("  %dx%d real time at 25 fps for %d s: %d frames made, %d skipped late (of %d), camera thread"
        + " %.0f%% of a core, %.0f kbit/s%n", width, height, seconds, s.frames(), s.dropped(), 25L * seconds,
        100 * cpu / seconds, s.bytes() * 8.0 / seconds / 1000);
  }

  /** A clock that never waits, so the camera makes frames back to back. */
  private static final class Unpaced implements CameraClock {
    private final CameraClock system = CameraClock.system();

    @Override
    public long nanoTime() {
      return system.nanoTime();
    }

    @Override
    public long epochNanos() {
      return system.epochNanos();
    }

    @Override
    public void sleepUntil(long deadline) throws InterruptedException {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }
}
