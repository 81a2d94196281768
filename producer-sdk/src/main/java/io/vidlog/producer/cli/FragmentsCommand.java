package io.vidlog.producer.cli;

import io.vidlog.producer.FragmentHandler;
import io.vidlog.producer.FragmentInfo;
import io.vidlog.producer.ReadFragment;
import io.vidlog.producer.TimestampType;
import io.vidlog.producer.VidlogClient;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vidlog fragments list|get}: ListFragments and GetMediaForFragmentList (docs/wire-protocol.md §3). */
@Command(name = "fragments", description = "List and download a stream's fragments by time.",
    mixinStandardHelpOptions = true, subcommands = {FragmentsCommand.ListFragments.class, FragmentsCommand.Get.class})
final class FragmentsCommand {

  /** The range options both subcommands take. */
  static final class Range {
    @Option(names = "--stream", required = true, paramLabel = "NAME", description = "Stream name.")
    String stream;

    @Option(names = "--from", required = true, paramLabel = "TIME",
        description = "Start of the range: now, 2026-12-07T10:15:00Z (no zone: UTC), epoch seconds, or -5m, -2h, -1d.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TIME", description = "End of the range, as --from.")
    String to;

    @Option(names = "--timestamp", paramLabel = "producer|server", defaultValue = "producer",
        description = "Which fragment time the range selects (default: ${DEFAULT-VALUE}).")
    String timestamp;

    TimestampType type() {
      return switch (timestamp.toLowerCase(java.util.Locale.ROOT)) {
        case "producer" -> TimestampType.PRODUCER_TIMESTAMP;
        case "server" -> TimestampType.SERVER_TIMESTAMP;
        default -> throw new IllegalArgumentException("--timestamp " + timestamp + ": want producer or server");
      };
    }

    List<FragmentInfo> list(VidlogClient client) {
      Instant now = Instant.now();
      Instant start = TimeArg.parse(from, now);
      Instant end = TimeArg.parse(to, now);
      if (end.isBefore(start)) {
        throw new IllegalArgumentException("--to " + to + " (" + end + ") is before --from " + from + " (" + start + ")");
      }
      return client.listFragments(stream, type(), start, end);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
      description = "List the fragments whose start lies in the range: number, producer and server time, duration,"
          + " size.")
  static final class ListFragments implements Runnable {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    Range range;

    @Override
    public void run() {
      try (VidlogClient client = Commands.root(spec).client()) {
        List<FragmentInfo> fragments = range.list(client);
        PrintWriter out = Commands.out(spec);
        out.printf("%-22s  %-24s  %-24s  %8s  %10s%n", "FRAGMENT", "PRODUCER TIME", "SERVER TIME", "SECONDS", "BYTES");
        for (FragmentInfo f : fragments) {
          out.printf("%-22s  %-24s  %-24s  %8.3f  %10d%n", f.fragmentNumber(), f.producerTimestamp(),
              f.serverTimestamp(), f.length().toMillis() / 1000.0, f.sizeInBytes());
        }
        Commands.err(spec).println(fragments.size() + " fragments");
      }
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Download the fragments whose start lies in the range: each as a playable <fragment number>.mkv"
          + " in --out DIR, or with --merge all in one .mkv file named by --out. Frames keep their producer times.",
          "Exits with 1 when a listed fragment could not be read (expired meanwhile)."})
  static final class Get implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    Range range;

    @Option(names = "--out", required = true, paramLabel = "DIR|FILE",
        description = "Directory for the fragment files (created if missing); with --merge, the file to write.")
    Path out;

    @Option(names = "--merge", description = "Write every fragment into one file.")
    boolean merge;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = Commands.err(spec);
      try (VidlogClient client = Commands.root(spec).client()) {
        List<FragmentInfo> fragments = range.list(client);
        if (fragments.isEmpty()) {
          err.println("no fragments in the range");
          return VidlogCli.FAILED;
        }
        List<String> numbers = fragments.stream().map(FragmentInfo::fragmentNumber).toList();
        List<String> missing = new ArrayList<>();
        int written = merge ? merged(client, numbers, missing) : separate(client, numbers, missing);
        missing.forEach(m -> err.println("missing: " + m));
        Commands.out(spec).printf("%d of %d fragments written to %s%n", written, numbers.size(), out);
        return missing.isEmpty() ? 0 : VidlogCli.FAILED;
      }
    }

    private int separate(VidlogClient client, List<String> numbers, List<String> missing) throws IOException {
      if (Files.exists(out) && !Files.isDirectory(out)) {
        throw new IllegalArgumentException("--out " + out + " is a file: without --merge it names a directory");
      }
      Files.createDirectories(out);
      int[] count = {0};
      client.getMediaForFragmentList(range.stream, numbers, new FragmentHandler() {
        @Override
        public void onFragment(ReadFragment f) throws IOException {
          Path file = out.resolve(f.fragmentNumber() + ".mkv");
          byte[] mkv = f.toMkv();
          writeAtomically(file, o -> o.write(mkv));
          count[0]++;
          Commands.out(spec).println(file);
        }

        @Override
        public void onMissing(String fragmentNumber, int errorId, String errorCode) {
          missing.add(fragmentNumber + " (" + errorCode + ")");
        }
      });
      return count[0];
    }

    private int merged(VidlogClient client, List<String> numbers, List<String> missing) throws IOException {
      if (Files.isDirectory(out)) {
        throw new IllegalArgumentException("--out " + out + " is a directory: with --merge it names the file to write");
      }
      int[] count = {0};
      writeAtomically(out, o -> {
        MkvOutput mkv = new MkvOutput(o, range.stream);
        client.getMediaForFragmentList(range.stream, numbers, new FragmentHandler() {
          @Override
          public void onFragment(ReadFragment f) throws IOException {
            mkv.fragment(f.tracks(), f.producerTimestamp(), f.frames());
            count[0]++;
          }

          @Override
          public void onMissing(String fragmentNumber, int errorId, String errorCode) {
            missing.add(fragmentNumber + " (" + errorCode + ")");
          }
        });
      });
      return count[0];
    }
  }

  /** Something that writes a file's content. */
  interface Content {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes beside {@code file} and renames over it once complete and forced to disk, so that an
   * interrupted download never leaves a truncated file under the final name.
   */
  static void writeAtomically(Path file, Content content) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Path part = parent.resolve("." + file.getFileName() + ".part");
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      OutputStream o = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
      content.write(o);
      o.flush();
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
