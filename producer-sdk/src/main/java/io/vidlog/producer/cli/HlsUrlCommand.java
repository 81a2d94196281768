package io.vidlog.producer.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vidlog hls-url --stream S}: a GetHLSStreamingSessionURL call (docs/wire-protocol.md §3.5)
 * printing the URL a player opens. This build's client library has no call for it yet, so the
 * command says so instead of signing the request itself.
 */
@Command(name = "hls-url", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Print an HLS session URL for a player (GetHLSStreamingSessionURL).")
final class HlsUrlCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--stream", required = true, paramLabel = "NAME", description = "Stream name.")
  String stream;

  @Option(names = "--mode", paramLabel = "live|replay|on-demand", defaultValue = "live",
      description = "LIVE, LIVE_REPLAY (from --from) or ON_DEMAND (--from to --to). Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(names = "--from", paramLabel = "TIME", description = "Start of the range (replay, on-demand).")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "End of the range (on-demand; optional for replay).")
  String to;

  @Override
  public Integer call() {
    Commands.err(spec).println("vidlog hls-url: not available in this build: the client library has no"
        + " GetHLSStreamingSessionURL call yet");
    return VidlogCli.FAILED;
  }
}
