package io.vidlog.producer.cli;

import io.vidlog.producer.ContainerFormat;
import io.vidlog.producer.HlsSessionRequest;
import io.vidlog.producer.TimestampType;
import io.vidlog.producer.VidlogClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vidlog hls-url --stream S}: a GetHLSStreamingSessionURL call (docs/wire-protocol.md §3.5)
 * printing the URL a player opens (the session's master playlist, no credentials needed until it
 * expires).
 */
@Command(name = "hls-url", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print an HLS session URL for a player (GetHLSStreamingSessionURL): ffplay, VLC, Safari or hls.js"
        + " open it without credentials until it expires.",
        "Exits with 1 when the service refuses (no fragment in the range, or none in the last 30 s for live)."})
final class HlsUrlCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--stream", required = true, paramLabel = "NAME", description = "Stream name.")
  String stream;

  @Option(names = "--mode", paramLabel = "live|replay|on-demand", defaultValue = "live",
      description = "live: the newest fragments; replay: from --from on (to --to if given), then live; on-demand:"
          + " --from to --to. Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(names = "--from", paramLabel = "TIME",
      description = "Start of the range (replay, on-demand): now, 2026-12-07T10:15:00Z (no zone: UTC), epoch"
          + " seconds, or -5m, -2h, -1d.")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "End of the range (on-demand; optional for replay).")
  String to;

  @Option(names = "--timestamp", paramLabel = "producer|server", defaultValue = "producer",
      description = "Which fragment time the range selects (default: ${DEFAULT-VALUE}).")
  String timestamp;

  @Option(names = "--expires", paramLabel = "SECONDS",
      description = "How long the URL works, 300 to 43200 seconds (default: the service's, 300).")
  Long expires;

  @Option(names = "--container", paramLabel = "fmp4|ts",
      description = "Segment format: fragmented MP4 or MPEG-TS (default: the service's, fmp4).")
  String container;

  @Override
  public Integer call() {
    HlsSessionRequest request = request(Instant.now());
    try (VidlogClient client = Commands.root(spec).client()) {
      Commands.out(spec).println(client.hlsStreamingSessionUrl(request));
      return 0;
    }
  }

  /** The request the options describe; a ParameterException (exit code 2) for options that do not fit. */
  HlsSessionRequest request(Instant now) {
    TimestampType type = switch (timestamp.toLowerCase(Locale.ROOT)) {
      case "producer" -> TimestampType.PRODUCER_TIMESTAMP;
      case "server" -> TimestampType.SERVER_TIMESTAMP;
      default -> throw usage("--timestamp " + timestamp + ": want producer or server");
    };
    Instant start = time("--from", from, now);
    Instant end = time("--to", to, now);
    if (start != null && end != null && !end.isAfter(start)) {
      throw usage("--to " + to + " (" + end + ") is not after --from " + from + " (" + start + ")");
    }
    HlsSessionRequest r = switch (mode.toLowerCase(Locale.ROOT)) {
      case "live" -> {
        if (start != null || end != null) {
          throw usage("--from and --to go with --mode replay or on-demand; live plays the newest fragments");
        }
        yield HlsSessionRequest.live(stream);
      }
      case "replay" -> HlsSessionRequest.liveReplay(stream, type, required("--from", start, "replay")).withEnd(end);
      case "on-demand" -> HlsSessionRequest.onDemand(stream, type, required("--from", start, "on-demand"),
          required("--to", end, "on-demand"));
      default -> throw usage("--mode " + mode + ": want live, replay or on-demand");
    };
    if (expires != null) {
      if (expires < HlsSessionRequest.MIN_EXPIRES.toSeconds() || expires > HlsSessionRequest.MAX_EXPIRES.toSeconds()) {
        throw usage("--expires " + expires + ": want " + HlsSessionRequest.MIN_EXPIRES.toSeconds() + " to "
            + HlsSessionRequest.MAX_EXPIRES.toSeconds() + " seconds");
      }
      r = r.withExpires(Duration.ofSeconds(expires));
    }
    if (container != null) {
      r = r.withContainerFormat(switch (container.toLowerCase(Locale.ROOT)) {
        case "fmp4" -> ContainerFormat.FRAGMENTED_MP4;
        case "ts" -> ContainerFormat.MPEG_TS;
        default -> throw usage("--container " + container + ": want fmp4 or ts");
      });
    }
    return r;
  }

  private Instant time(String option, String text, Instant now) {
    if (text == null) {
      return null;
    }
    try {
      return TimeArg.parse(text, now);
    } catch (IllegalArgumentException e) {
      throw usage(option + " " + e.getMessage());
    }
  }

  private Instant required(String option, Instant t, String forMode) {
    if (t == null) {
      throw usage("--mode " + forMode + " needs " + option);
    }
    return t;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
