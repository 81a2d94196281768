package io.vidlog.producer.testing;

import io.vidlog.producer.Checkpoint;
import io.vidlog.producer.CheckpointStore;
import io.vidlog.producer.CredentialsProvider;
import io.vidlog.producer.ReaderConfig;
import io.vidlog.producer.StartPosition;
import io.vidlog.producer.StreamReader;
import io.vidlog.producer.Trust;
import io.vidlog.producer.VidlogClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An application that tails a stream and checkpoints, run as its own process so a test can kill it with
 * SIGKILL. Its output and its checkpoints are one file ({@link OutputLog}): processing a frame and saving
 * its checkpoint are one appended line, so a frame is processed exactly once however often the process
 * dies (the pattern {@link CheckpointStore} recommends).
 *
 * <p>Arguments: endpoint, CA certificate, access key id, secret, stream, log file.
 */
public final class ReaderProcess {
  private ReaderProcess() {}

  public static void main(String[] args) throws Exception {
    OutputLog log = new OutputLog(Path.of(args[5]));
    try (VidlogClient client = VidlogClient.builder().endpoint(args[0]).region("us-east-1")
        .credentials(CredentialsProvider.of(args[2], args[3])).trust(Trust.pem(Path.of(args[1]))).build()) {
      StreamReader reader = client.reader(ReaderConfig.of(args[4]).withStart(StartPosition.earliest())
          .withCheckpoints(log).withBackoff(Duration.ofMillis(50), Duration.ofMillis(500)));
      reader.run(frame -> log.processing = SyntheticH264.label(frame.data()));
    }
  }

  /** One line per checkpoint: {@code <checkpoint> <label of the frame it covers, or ->}. */
  public static final class OutputLog implements CheckpointStore {
    private final Path file;
    volatile String processing = "-";

    public OutputLog(Path file) {
      this.file = file;
    }

    @Override
    public Optional<Checkpoint> load() throws IOException {
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
      for (int i = lines.size() - 1; i >= 0; i--) {
        Optional<Checkpoint> c = checkpointOf(lines.get(i));
        if (c.isPresent()) {
          return c;
        }
      }
      return Optional.empty();
    }

    @Override
    public void save(Checkpoint checkpoint) throws IOException {
      byte[] line = (checkpoint.render() + " " + processing + "\n").getBytes(StandardCharsets.UTF_8);
      processing = "-";
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
          StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(line)); // one write of a short line: whole or (cut by a crash) torn at the end
      }
    }

    /** The checkpoint of a line, empty for a torn one. */
    public static Optional<Checkpoint> checkpointOf(String line) {
      String[] p = line.split(" ");
      if (p.length != 4) {
        return Optional.empty();
      }
      try {
        return Optional.of(Checkpoint.parse(p[0] + " " + p[1] + " " + p[2]));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }

    /** The label a whole line processed, or null. */
    public static String labelOf(String line) {
      String[] p = line.split(" ");
      return p.length == 4 && checkpointOf(line).isPresent() && !p[3].equals("-") ? p[3] : null;
    }
  }
}
