package io.vidlog.producer.cli;

import io.vidlog.producer.ProducerConfig;
import io.vidlog.producer.ProducerStats;
import io.vidlog.producer.StreamProducer;
import io.vidlog.producer.StreamSpec;
import io.vidlog.producer.VidlogClient;
import io.vidlog.producer.camera.CameraSettings;
import io.vidlog.producer.camera.TestPatternCamera;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vidlog camera --stream S}: the test-pattern camera ({@link TestPatternCamera}) streaming
 * live, in real time, until stopped (Ctrl-C) or for {@code --duration}. The producer runs in its
 * real-time mode: under back-pressure it drops whole old fragments, as a camera must, and reports
 * them.
 */
@Command(name = "camera", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Stream a test pattern with the wall-clock time burned in (H.264 encoded in pure Java), in real"
        + " time, creating the stream if it does not exist. Runs until stopped (Ctrl-C) unless --duration is given;"
        + " a stop waits for the last acknowledgements.",
        "Exits with 1 unless every fragment was acknowledged PERSISTED (RECEIVED on a stream that keeps nothing)."})
final class CameraCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--stream", required = true, paramLabel = "NAME", description = "Stream name.")
  String stream;

  @Option(names = "--size", paramLabel = "WxH", defaultValue = CameraSettings.DEFAULT_WIDTH + "x"
      + CameraSettings.DEFAULT_HEIGHT, description = "Picture size (default: ${DEFAULT-VALUE}).")
  String size;

  @Option(names = "--fps", paramLabel = "N", defaultValue = "" + CameraSettings.DEFAULT_FPS,
      description = "Frames per second (default: ${DEFAULT-VALUE}).")
  int fps;

  @Option(names = "--gop", paramLabel = "N",
      description = "Frames from one key frame to the next, which is one fragment (default: 2 s of frames).")
  Integer gop;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this long (default: run until"
      + " stopped).")
  Double durationSeconds;

  @Option(names = "--retention", paramLabel = "HOURS", defaultValue = "24",
      description = "Retention of the stream if it is created (default: ${DEFAULT-VALUE}).")
  int retentionHours;

  @Override
  public Integer call() throws Exception {
    int[] wh = CameraSettings.parseSize(size);
    Duration duration = durationSeconds == null ? null : Commands.seconds(durationSeconds, "--duration");
    CameraSettings settings = new CameraSettings(wh[0], wh[1], fps, gop == null ? 2 * fps : gop, duration);
    TestPatternCamera camera = new TestPatternCamera(settings);
    PrintWriter err = Commands.err(spec);
    AckTally tally = new AckTally();
    // the stop hook waits for this block to end: the summary is printed before the JVM goes
    try (StopSignal stop = StopSignal.interrupting(Thread.currentThread(), 60_000);
        VidlogClient client = Commands.root(spec).client()) {
      SourcePump pump = new SourcePump(tracks -> {
        ProducerConfig.Builder b = ProducerConfig.builder(stream)
            .createIfMissing(StreamSpec.named(stream).withRetentionHours(retentionHours).withMediaType("video/h264"))
            .listener(tally);
        tracks.forEach(b::track);
        StreamProducer p = client.producer(b.build());
        err.printf("camera: streaming %dx%d at %d fps, a key frame every %d frames, to %s at %s%n", settings.width(),
            settings.height(), settings.fps(), settings.gop(), stream, client.endpoint());
        err.flush();
        return p;
      }, SourcePump.Timeline.AS_IS, () -> 0);
      err.println("camera: warming up the encoder");
      err.flush();
      try (ProgressLine progress = new ProgressLine(err, () -> progress(camera, pump, tally), Commands.interactive())) {
        try {
          camera.run(pump);
        } catch (InterruptedException e) {
          // Ctrl-C: the frames made so far are sent
        } finally {
          StreamProducer p = pump.producer();
          if (p != null) {
            Thread.interrupted();
            p.close();
          }
        }
      }
      return summary(camera, pump, tally, stop.stopped());
    }
  }

  private static String settings(TestPatternCamera camera) {
    CameraSettings s = camera.settings();
    return s.width() + "x" + s.height() + " at " + s.fps() + " fps";
  }

  private static String progress(TestPatternCamera camera, SourcePump pump, AckTally tally) {
    TestPatternCamera.Stats c = camera.stats();
    StreamProducer p = pump.producer();
    ProducerStats s = p == null ? null : p.stats();
    long latency = tally.meanLatencyMillis();
    return c.frames() + " frames (" + c.dropped() + " late, skipped), " + (s == null ? 0 : s.fragmentsPersisted())
        + " fragments persisted" + (latency >= 0 ? ", persisted after " + latency + " ms" : "")
        + (tally.droppedFragments() > 0 ? ", " + tally.droppedFragments() + " fragments dropped" : "")
        + (tally.errors() > 0 ? ", " + tally.errors() + " errors" : "");
  }

  private int summary(TestPatternCamera camera, SourcePump pump, AckTally tally, boolean stoppedBySignal) {
    PrintWriter out = Commands.out(spec);
    StreamProducer p = pump.producer();
    TestPatternCamera.Stats c = camera.stats();
    if (p == null) {
      out.println("camera -> " + stream + ": stopped before the first frame");
      return stoppedBySignal ? 0 : VidlogCli.FAILED;
    }
    ProducerStats s = p.stats();
    long stored = s.fragmentsPersisted() + s.fragmentsAlreadyStored();
    out.printf("camera -> %s: %d frames (%d key frames, %d skipped late) in %d fragments, %d persisted, %d dropped%n",
        stream, c.frames(), c.keyFrames(), c.dropped(), s.fragmentsStarted(), stored, tally.droppedFragments());
    out.println("  acks: " + tally.ackCounts() + "; connections " + s.connections()
        + (tally.meanLatencyMillis() >= 0 ? "; persisted after " + tally.meanLatencyMillis() + " ms on average, "
            + tally.maxLatencyMillis() + " ms at most" : ""));
    out.println("  producer timestamps " + pump.timeSpan());
    if (c.dropped() * 20 > c.frames() + c.dropped()) {
      out.println("  this machine did not keep up with " + settings(camera) + ": try a smaller --size or --fps");
    }
    tally.lastErrors().forEach(e -> out.println("  error: " + e));
    tally.dropReasons().forEach(d -> out.println("  dropped: " + d));
    boolean ok = stored == s.fragmentsStarted() && tally.droppedFragments() == 0;
    if (!ok) {
      out.println("  not every fragment was persisted");
    }
    out.flush();
    return ok ? 0 : VidlogCli.FAILED;
  }
}
