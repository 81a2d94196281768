package io.vidlog.producer.cli;

import io.vidlog.producer.CredentialsProvider;
import io.vidlog.producer.Trust;
import io.vidlog.producer.VidlogClient;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar vidlog.jar}: the vidlog command line, a KVS client for vidlog (or Kinesis Video
 * Streams itself): manage streams, put files, run the test-pattern camera, list and download
 * fragments, tail a stream with checkpoints. The connection options are accepted before or after
 * the command name.
 */
@Command(name = "vidlog", mixinStandardHelpOptions = true, versionProvider = VidlogCli.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "A client for vidlog and Kinesis Video Streams: streams, files, a test camera, fragments, tail.",
    footer = {"", "Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), else the"
        + " profile AWS_PROFILE (or --profile, or 'default') of ~/.aws/credentials. The region from --region,"
        + " AWS_REGION, AWS_DEFAULT_REGION or the profile, else us-east-1.",
        "Exit codes: 0 done, 1 failed (refused, unreachable, a fragment not persisted), 2 bad usage."},
    subcommands = {StreamsCommand.class, PutCommand.class, CameraCommand.class, FragmentsCommand.class,
        TailCommand.class, HlsUrlCommand.class, CommandLine.HelpCommand.class})
public final class VidlogCli {
  /** Exit code of a command that ran and failed. */
  static final int FAILED = 1;

  @Spec
  CommandSpec spec;

  @Option(names = "--endpoint", scope = ScopeType.INHERIT, paramLabel = "URL",
      defaultValue = "${env:VIDLOG_ENDPOINT:-https://localhost:8443}",
      description = "Service endpoint (default: ${DEFAULT-VALUE}; environment VIDLOG_ENDPOINT).")
  URI endpoint;

  @Option(names = "--region", scope = ScopeType.INHERIT, paramLabel = "REGION",
      description = "Region requests are signed for.")
  String region;

  @Option(names = "--profile", scope = ScopeType.INHERIT, paramLabel = "NAME",
      description = "Profile of the shared credentials file, instead of the environment's keys.")
  String profile;

  @Option(names = "--ca-cert", scope = ScopeType.INHERIT, paramLabel = "PEM",
      defaultValue = "${env:VIDLOG_CA_CERT}",
      description = "Trust the certificates in this PEM file (e.g. the server's <data-dir>/tls/cert.pem)"
          + " instead of the system's CAs (environment VIDLOG_CA_CERT).")
  Path caCert;

  @Option(names = "--insecure", scope = ScopeType.INHERIT,
      description = "Trust any server certificate and host name (experiments only: anyone on the path can read"
          + " and change the traffic).")
  boolean insecure;

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (!StopSignal.shuttingDown()) {
      System.exit(code); // during shutdown exit() would block; the JVM ends once the stop hook returns
    }
  }

  /** The command line with vidlog's error handling: a message, not a stack trace (VIDLOG_DEBUG=1 for one). */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new VidlogCli());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      err.println("vidlog " + commandLine.getCommandName() + ": " + Failures.describe(e));
      if (System.getenv("VIDLOG_DEBUG") != null) {
        e.printStackTrace(err);
      }
      err.flush();
      return e instanceof CommandLine.ParameterException ? 2 : FAILED;
    });
    return cl;
  }

  /** The client the options describe; the caller closes it. */
  VidlogClient client() {
    if (insecure && caCert != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--insecure and --ca-cert exclude each other");
    }
    VidlogClient.Builder b = VidlogClient.builder().endpoint(endpoint);
    if (region != null) {
      b.region(region);
    }
    b.credentials(profile != null ? CredentialsProvider.profile(profile) : CredentialsProvider.defaultChain());
    if (insecure) {
      spec.commandLine().getErr().println("warning: --insecure: the server's certificate is not checked");
      b.trust(Trust.insecure());
    } else if (caCert != null) {
      b.trust(Trust.pem(caCert));
    }
    return b.build();
  }

  /** The version of the jar (from its manifest), or "development". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = VidlogCli.class.getPackage().getImplementationVersion();
      return new String[] {"vidlog " + (v == null ? "development build" : v)};
    }
  }
}
