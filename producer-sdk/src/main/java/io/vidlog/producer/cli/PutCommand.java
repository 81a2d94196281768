package io.vidlog.producer.cli;

import io.vidlog.producer.BufferMode;
import io.vidlog.producer.ProducerConfig;
import io.vidlog.producer.ProducerStats;
import io.vidlog.producer.StreamProducer;
import io.vidlog.producer.StreamSpec;
import io.vidlog.producer.VidlogClient;
import io.vidlog.producer.source.FileSources;
import io.vidlog.producer.source.FrameRate;
import io.vidlog.producer.source.MediaSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vidlog put FILE --stream S}: streams an MKV, MP4 or raw H.264 file into a stream as a
 * producer does (PutMedia with acks, fragments cut at key frames), waiting for room rather than
 * dropping anything (the producer's offline mode), and exits with 1 unless every fragment was
 * persisted.
 */
@Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Stream a file (MKV/WebM, MP4 or raw H.264 Annex-B) into a stream, creating the stream if it"
        + " does not exist. Fragments are cut at key frames, whatever the file's own clustering.",
        "Frame times that start near zero (as an encoder writes them) are moved to start now; a file whose"
        + " times are wall-clock times already (written by 'tail --out' or 'fragments get') keeps them.",
        "Exits with 1 unless every fragment was acknowledged PERSISTED (RECEIVED on a stream that keeps nothing)."})
final class PutCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "An .mkv/.webm, .mp4/.mov or raw .h264 file.")
  Path file;

  @Option(names = "--stream", required = true, paramLabel = "NAME", description = "Stream name.")
  String stream;

  @Option(names = "--retention", paramLabel = "HOURS", defaultValue = "24",
      description = "Retention of the stream if it is created (default: ${DEFAULT-VALUE}).")
  int retentionHours;

  @Option(names = "--fps", paramLabel = "RATE",
      description = "Frame rate of a raw H.264 file (25, 29.97 or 30000/1001; default: the SPS's timing, else 25)."
          + " Ignored for MKV and MP4, whose frames carry their times.")
  String fps;

  @Option(names = "--fragment-duration", paramLabel = "SECONDS", defaultValue = "0",
      description = "Cut a fragment at the first key frame at least this long after the last cut; 0 cuts at every"
          + " key frame (default).")
  double fragmentSeconds;

  @Override
  public Integer call() throws Exception {
    FrameRate rate = fps == null ? null : FrameRate.parse(fps);
    MediaSource source = FileSources.open(file, rate);
    PrintWriter err = Commands.err(spec);
    AckTally tally = new AckTally();
    long started = System.nanoTime();
    // the stop hook waits for this block to end: the summary is printed before the JVM goes
    try (StopSignal stop = StopSignal.interrupting(Thread.currentThread(), 60_000);
        VidlogClient client = Commands.root(spec).client()) {
      SourcePump pump = new SourcePump(tracks -> {
        ProducerConfig.Builder b = ProducerConfig.builder(stream)
            .createIfMissing(StreamSpec.named(stream).withRetentionHours(retentionHours))
            .mode(BufferMode.OFFLINE).listener(tally);
        tracks.forEach(b::track);
        if (fragmentSeconds > 0) {
          b.fragmentDuration(Commands.seconds(fragmentSeconds, "--fragment-duration"));
        }
        return client.producer(b.build());
      }, SourcePump.Timeline.AUTO, () -> System.currentTimeMillis() * 1_000_000L);
      boolean complete = false;
      try (ProgressLine progress = new ProgressLine(err, () -> progress(source, pump, tally), Commands.interactive())) {
        try {
          source.run(pump);
          complete = true;
        } catch (InterruptedException e) {
          err.println("stopped: the frames read so far are sent");
        } finally {
          finish(pump.producer());
        }
      }
      return summary(pump, tally, complete, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** Waits for the last acknowledgements (the producer's close timeout) and closes. */
  private static void finish(StreamProducer producer) {
    if (producer != null) {
      Thread.interrupted(); // a stop signal asked for this: the close waits for the acks anyway
      producer.close();
    }
  }

  private static String progress(MediaSource source, SourcePump pump, AckTally tally) {
    StreamProducer p = pump.producer();
    ProducerStats s = p == null ? null : p.stats();
    double f = source.progress();
    return ProgressLine.bar(f, 30) + String.format(" %3.0f%% ", 100 * f) + pump.frames() + " frames, "
        + (s == null ? 0 : s.fragmentsPersisted()) + " fragments persisted"
        + (tally.errors() > 0 ? ", " + tally.errors() + " errors" : "");
  }

  private int summary(SourcePump pump, AckTally tally, boolean complete, Duration took) {
    PrintWriter out = Commands.out(spec);
    StreamProducer p = pump.producer();
    if (p == null) {
      out.println("put " + file + ": no frames");
      return VidlogCli.FAILED;
    }
    ProducerStats s = p.stats();
    long stored = s.fragmentsPersisted() + s.fragmentsAlreadyStored();
    out.printf("put %s -> %s: %d frames in %d fragments, %d persisted, %d dropped; %s sent in %.1f s%n", file,
        stream, pump.frames(), s.fragmentsStarted(), stored, tally.droppedFragments(), Commands.bytes(s.bytesSent()),
        took.toMillis() / 1000.0);
    out.println("  acks: " + tally.ackCounts() + "; connections " + s.connections()
        + (s.fragmentsResent() > 0 ? "; fragments sent again " + s.fragmentsResent() : "")
        + (tally.meanLatencyMillis() >= 0 ? "; persisted after " + tally.meanLatencyMillis() + " ms on average, "
            + tally.maxLatencyMillis() + " ms at most" : ""));
    out.println("  producer timestamps " + pump.timeSpan() + (pump.offsetNanos() != 0 ? " (moved to now)" : ""));
    tally.lastErrors().forEach(e -> out.println("  error: " + e));
    tally.dropReasons().forEach(d -> out.println("  dropped: " + d));
    boolean ok = complete && stored == s.fragmentsStarted() && tally.droppedFragments() == 0;
    if (!ok) {
      out.println("  not every fragment was persisted" + (complete ? "" : " (stopped before the end of the file)"));
    }
    return ok ? 0 : VidlogCli.FAILED;
  }
}
