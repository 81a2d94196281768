package io.vidlog.producer.cli;

import io.vidlog.producer.CheckpointStore;
import io.vidlog.producer.FragmentStart;
import io.vidlog.producer.FrameHandler;
import io.vidlog.producer.ReadFrame;
import io.vidlog.producer.ReaderConfig;
import io.vidlog.producer.ReaderListener;
import io.vidlog.producer.StartPosition;
import io.vidlog.producer.StreamReader;
import io.vidlog.producer.VidlogClient;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vidlog tail --stream S}: follows a stream with the checkpointing {@link StreamReader}
 * (GetMedia, resuming after cut connections), printing a line per frame, or writing the frames as
 * MKV to a file or standard output. With {@code --checkpoint} a restarted tail continues after the
 * last frame it handled; with {@code --out FILE} as well, the file and the checkpoint are kept
 * together ({@link TailOutput}), so every frame is in the file exactly once however often the tail
 * is stopped, killed or cut off.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Follow a stream until stopped (Ctrl-C): one line per frame on standard output, or the frames as"
        + " MKV with --out (a file, or - for standard output, e.g. '| ffplay -').",
        "With --checkpoint FILE a restarted tail continues after the last frame it handled; with --out FILE too,"
        + " each frame is in the output exactly once across stops, crashes and cut connections."})
final class TailCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--stream", required = true, paramLabel = "NAME", description = "Stream name.")
  String stream;

  @Option(names = "--start", paramLabel = "now|earliest|TIME", defaultValue = "now",
      description = "Where to start without a checkpoint: now (the next fragment), earliest (the oldest stored), or"
          + " the fragment holding a producer time (ISO-8601, epoch seconds, or -5m, -2h, …). Default: ${DEFAULT-VALUE}.")
  String start;

  @Option(names = "--checkpoint", paramLabel = "FILE", description = "Keep the reader's position in this file and"
      + " resume from it.")
  Path checkpoint;

  @Option(names = "--out", paramLabel = "FILE|-", description = "Write the frames as MKV to this file, or to"
      + " standard output with -.")
  String out;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = Commands.err(spec);
    Counts counts = new Counts();
    AtomicReference<StreamReader> running = new AtomicReference<>();
    Thread self = Thread.currentThread();
    // the stop hook waits for this block to end: output flushed and summary printed before the JVM goes
    try (StopSignal stop = new StopSignal(() -> stopReading(counts, running.get(), self), 30_000);
        VidlogClient client = Commands.root(spec).client(); Sink sink = sink(counts)) {
      ReaderConfig config = ReaderConfig.of(stream).withStart(startPosition()).withCheckpoints(sink.checkpoints())
          .withListener(new ReaderListener() {
            @Override
            public void onConnected(String from) {
              err.println("tail " + stream + ": reading from " + from);
              err.flush();
            }

            @Override
            public void onDisconnected(Throwable error, long retryInMillis) {
              if (error != null) {
                err.println("tail " + stream + ": " + Failures.describe(error) + "; resuming in " + retryInMillis
                    + " ms");
                err.flush();
              }
            }

            @Override
            public void onStreamError(String fragmentNumber, int errorId, String errorCode) {
              err.println("tail " + stream + ": the service reported " + errorCode + " (" + errorId + ") for fragment "
                  + fragmentNumber + ": frames were lost to this reader");
              err.flush();
            }
          });
      StreamReader reader = client.reader(config);
      running.set(reader);
      try {
        if (!stop.stopped()) {
          reader.run(sink);
        }
      } catch (InterruptedException | StopRequested e) {
        // stopped: every frame handled so far is written and checkpointed
      } finally {
        counts.done = true;
      }
      err.println("tail " + stream + ": " + counts.frames + " frames of " + counts.fragments + " fragments"
          + (reader.checkpoint().isPresent() ? "; checkpoint " + reader.checkpoint().get().render() : ""));
      err.flush();
      return 0;
    }
  }

  /**
   * The stop signal: the handler refuses the next frame ({@link StopRequested}, so it is not
   * checkpointed and comes again next time); a reader waiting on a quiet stream is stopped after a
   * second by closing its connection.
   */
  private static void stopReading(Counts counts, StreamReader reader, Thread commandThread) {
    counts.stopRequested = true;
    long deadline = System.nanoTime() + 1_000_000_000L;
    while (!counts.done && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!counts.done) {
      if (reader != null) {
        reader.stop();
      }
      commandThread.interrupt();
    }
  }

  /** Thrown by the frame handler when a stop signal came: the reader stops without checkpointing that frame. */
  static final class StopRequested extends Exception {
    private static final long serialVersionUID = 1L;

    StopRequested() {
      super("stopped", null, false, false);
    }
  }

  private StartPosition startPosition() {
    return switch (start.toLowerCase(Locale.ROOT)) {
      case "now" -> StartPosition.now();
      case "earliest" -> StartPosition.earliest();
      default -> StartPosition.producerTimestamp(TimeArg.parse(start, Instant.now()));
    };
  }

  private Sink sink(Counts counts) throws IOException {
    if (out == null) {
      return new Lines(Commands.out(spec), store(), counts);
    }
    if (out.equals("-")) {
      // standard output stays open for the JVM; it cannot be cut back, so a crash may repeat a frame
      OutputStream o = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
      return new Mkv(new MkvTailWriter(new MkvOutput(o, stream), List.of(), null), store(), o, o::flush, counts);
    }
    Path file = Path.of(out);
    if (checkpoint != null) {
      TailOutput output = TailOutput.open(checkpoint, file, stream);
      return new Mkv(output.writer(), output, output.stream(), output, counts);
    }
    // java.io, not a channel: the stop signal interrupts this thread, which would close a channel mid-write
    OutputStream o = new BufferedOutputStream(new FileOutputStream(file.toFile()), 1 << 16);
    return new Mkv(new MkvTailWriter(new MkvOutput(o, stream), List.of(), null), CheckpointStore.memory(), o, o,
        counts);
  }

  private CheckpointStore store() {
    return checkpoint == null ? CheckpointStore.memory() : CheckpointStore.file(checkpoint);
  }

  /** Frames and fragments handled by this run. */
  static final class Counts {
    volatile boolean stopRequested;
    volatile boolean done;
    long frames;
    long fragments;
    String lastFragment;

    void checkStop() throws StopRequested {
      if (stopRequested) {
        throw new StopRequested();
      }
    }

    void count(ReadFrame f) {
      frames++;
      if (!f.fragmentNumber().equals(lastFragment)) {
        fragments++;
        lastFragment = f.fragmentNumber();
      }
    }
  }

  /** Where frames go, with the checkpoint store that goes with it. */
  abstract static class Sink implements FrameHandler, AutoCloseable {
    final Counts counts;

    Sink(Counts counts) {
      this.counts = counts;
    }

    abstract CheckpointStore checkpoints();

    @Override
    public void close() throws IOException {}
  }

  /** A line per frame: fragment, index, track, producer time, key flag, size. */
  static final class Lines extends Sink {
    private final PrintWriter out;
    private final CheckpointStore store;

    Lines(PrintWriter out, CheckpointStore store, Counts counts) {
      super(counts);
      this.out = out;
      this.store = store;
    }

    @Override
    CheckpointStore checkpoints() {
      return store;
    }

    @Override
    public void onFrame(ReadFrame f) throws StopRequested {
      counts.checkStop();
      out.println(f.fragmentNumber() + " " + f.frameIndex() + " track " + f.trackNumber() + " " + f.timestamp() + " "
          + (f.keyFrame() ? "key " : "    ") + f.data().length + " bytes"
          + (f.frameIndex() == 0 && !f.metadata().isEmpty() ? " " + f.metadata() : ""));
      out.flush();
      counts.count(f);
    }
  }

  /**
   * MKV to a file or standard output through a {@link MkvTailWriter}, whose checkpoints are saved in
   * {@code store} only once their frames are written.
   */
  static final class Mkv extends Sink {
    private final MkvTailWriter writer;
    private final CheckpointStore store;
    private final OutputStream stream;
    private final AutoCloseable closer;

    Mkv(MkvTailWriter writer, CheckpointStore store, OutputStream stream, AutoCloseable closer, Counts counts) {
      super(counts);
      this.writer = writer;
      this.store = writer.checkpoints(store);
      this.stream = stream;
      this.closer = closer;
    }

    @Override
    CheckpointStore checkpoints() {
      return store;
    }

    @Override
    public void onFrame(ReadFrame f) throws IOException, StopRequested {
      counts.checkStop();
      writer.frame(f);
      stream.flush(); // a live reader downstream (ffplay) sees each frame as it arrives
      counts.count(f);
    }

    @Override
    public void onFragmentStart(FragmentStart fragment) {
      writer.fragmentStart(fragment.tracks());
    }

    @Override
    public void onFragmentEnd(String fragmentNumber, Map<String, String> metadata) throws IOException {
      writer.fragmentEnd(fragmentNumber);
      stream.flush();
    }

    /** Saves the checkpoint of what is written and closes the output. */
    @Override
    public void close() throws IOException {
      try {
        stream.flush();
        store.save(writer.written());
      } finally {
        try {
          closer.close();
        } catch (IOException | RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IOException(e);
        }
      }
    }
  }
}
