package io.vidlog.producer.cli;

import io.vidlog.producer.StreamInfo;
import io.vidlog.producer.StreamSpec;
import io.vidlog.producer.VidlogClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vidlog streams create|list|describe|delete}: the control plane (docs/wire-protocol.md §4). */
@Command(name = "streams", description = "Create, list, describe and delete streams.", mixinStandardHelpOptions = true,
    subcommands = {StreamsCommand.Create.class, StreamsCommand.ListStreams.class, StreamsCommand.Describe.class,
        StreamsCommand.Delete.class})
final class StreamsCommand {

  @Command(name = "create", description = "Create a stream; prints its ARN.", mixinStandardHelpOptions = true)
  static final class Create implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--stream", required = true, paramLabel = "NAME", description = "Stream name.")
    String stream;

    @Option(names = "--retention", paramLabel = "HOURS", defaultValue = "24",
        description = "Hours fragments are kept; 0 keeps nothing (default: ${DEFAULT-VALUE}).")
    int retentionHours;

    @Option(names = "--media-type", paramLabel = "TYPE", description = "e.g. video/h264.")
    String mediaType;

    @Option(names = "--device-name", paramLabel = "NAME")
    String deviceName;

    @Override
    public void run() {
      StreamSpec s = StreamSpec.named(stream).withRetentionHours(retentionHours);
      if (mediaType != null) {
        s = s.withMediaType(mediaType);
      }
      if (deviceName != null) {
        s = s.withDeviceName(deviceName);
      }
      try (VidlogClient client = Commands.root(spec).client()) {
        Commands.out(spec).println(client.createStream(s));
      }
    }
  }

  @Command(name = "list", description = "List streams: name, status, retention, creation time.",
      mixinStandardHelpOptions = true)
  static final class ListStreams implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "Only streams whose name starts with this.")
    String prefix;

    @Override
    public void run() {
      try (VidlogClient client = Commands.root(spec).client()) {
        List<StreamInfo> streams = client.listStreams(prefix);
        PrintWriter out = Commands.out(spec);
        int width = Math.max(4, streams.stream().mapToInt(s -> s.streamName().length()).max().orElse(4));
        out.printf("%-" + width + "s  %-8s  %9s  %s%n", "NAME", "STATUS", "RETENTION", "CREATED");
        for (StreamInfo s : streams) {
          out.printf("%-" + width + "s  %-8s  %8dh  %s%n", s.streamName(), s.status(), s.dataRetentionInHours(),
              s.creationTime());
        }
      }
    }
  }

  @Command(name = "describe", description = "Describe a stream.", mixinStandardHelpOptions = true)
  static final class Describe implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--stream", required = true, paramLabel = "NAME", description = "Stream name.")
    String stream;

    @Override
    public void run() {
      try (VidlogClient client = Commands.root(spec).client()) {
        StreamInfo s = client.describeStream(stream);
        PrintWriter out = Commands.out(spec);
        out.println("StreamName:           " + s.streamName());
        out.println("StreamARN:            " + s.streamArn());
        out.println("Status:               " + s.status());
        out.println("Version:              " + s.version());
        out.println("CreationTime:         " + s.creationTime());
        out.println("DataRetentionInHours: " + s.dataRetentionInHours());
        out.println("MediaType:            " + (s.mediaType() == null ? "-" : s.mediaType()));
        out.println("DeviceName:           " + (s.deviceName() == null ? "-" : s.deviceName()));
        out.println("KmsKeyId:             " + (s.kmsKeyId() == null ? "-" : s.kmsKeyId()));
      }
    }
  }

  @Command(name = "delete", description = "Delete a stream and everything stored in it.",
      mixinStandardHelpOptions = true)
  static final class Delete implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--stream", required = true, paramLabel = "NAME", description = "Stream name.")
    String stream;

    @Override
    public void run() {
      try (VidlogClient client = Commands.root(spec).client()) {
        client.deleteStream(stream);
        Commands.out(spec).println("deleted " + stream);
      }
    }
  }
}
