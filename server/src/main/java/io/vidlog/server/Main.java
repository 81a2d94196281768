package io.vidlog.server;

import io.vidlog.server.config.ConfigException;
import io.vidlog.server.config.ConfigKey;
import io.vidlog.server.config.ConfigLoader;
import io.vidlog.server.config.ServerConfig;
import io.vidlog.server.keys.KeysCommand;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code vidlog-server.jar}: with no subcommand it runs the server; {@code keys
 * create|list|revoke} manages access keys on the same store. Every {@link ConfigKey} is a flag of
 * every command. Exit codes: 0 after a clean shutdown, 2 for invalid configuration or usage, 1 when
 * start-up fails otherwise.
 */
@Command(name = "vidlog-server", mixinStandardHelpOptions = true, version = VidlogServer.VERSION,
    description = "Self-hosted, KVS-compatible video stream log.", subcommands = KeysCommand.class)
public final class Main implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** The store opener used by every command (the launcher's one wiring choice). */
  private static volatile StoreStack.Opener opener = Stores::open;

  public static StoreStack.Opener opener() {
    return opener;
  }

  /** Replaces the store backends (tests run the launcher over an in-memory or S3Proxy store). */
  public static void opener(StoreStack.Opener o) {
    opener = o;
  }

  public static void main(String[] args) {
    CommonPool.configure();
    // Netty registers its buffer events with JDK Flight Recorder when JFR is present, which loads
    // about 100 JFR classes at start-up; opt in with -Dio.netty.jfr.enabled=true when profiling
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    // Logging initialises (about 0.2 s of class loading) on its own thread while the server starts:
    // SLF4J hands loggers asked for meanwhile substitutes and replays their events once it is ready.
    // (the replay is expected here, so SLF4J's notice about it is not printed)
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
    Thread logging = new Thread(org.slf4j.LoggerFactory::getILoggerFactory, "vidlog-log-init");
    logging.setDaemon(true);
    logging.start();
    System.exit(run(args, System.getenv()));
  }

  public static int run(String[] args, Map<String, String> env) {
    return run(args, env, new PrintWriter(System.out, true), new PrintWriter(System.err, true), stdoutIsTerminal());
  }

  /** For tests and embedding: the same, with the CLI's output and errors captured (not a terminal). */
  public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    return run(args, env, out, err, false);
  }

  /** @param terminal whether {@code out} is an interactive terminal (secrets are shown only there) */
  static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal) {
    Map<String, String> flags = ServeArgs.parse(args);
    if (flags != null) {
      return serve(flags, env, out, err, terminal);
    }
    Main.terminal = terminal;
    CommandLine cli = commandLine(env);
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  /** The server command without picocli (see {@link ServeArgs}); the same exit codes and messages. */
  private static int serve(Map<String, String> flags, Map<String, String> env, PrintWriter out, PrintWriter err,
      boolean terminal) {
    try {
      return serve(ConfigLoader.load(flags, env), out, terminal);
    } catch (ConfigException e) {
      err.println("vidlog: " + e.getMessage());
      err.flush();
      return 2;
    } catch (Exception e) {
      err.println("vidlog: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  static CommandLine commandLine(Map<String, String> env) {
    CommandLine cli = new CommandLine(new Main());
    for (ConfigKey k : ConfigKey.values()) {
      cli.getCommandSpec().addOption(option(k));
    }
    cli.getCommandSpec().addOption(OptionSpec.builder("--" + ConfigLoader.CONFIG).paramLabel("FILE").type(String.class)
        .scopeType(ScopeType.INHERIT).description("YAML or JSON config file (keys as the long flags)").build());
    cli.setExecutionExceptionHandler((ex, cmd, parse) -> {
      PrintWriter err = cmd.getErr();
      if (ex instanceof ConfigException) {
        err.println("vidlog: " + ex.getMessage());
        return 2;
      }
      err.println("vidlog: " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
      return 1;
    });
    Main.env = Map.copyOf(env);
    return cli;
  }

  private static volatile Map<String, String> env = System.getenv();

  private static OptionSpec option(ConfigKey k) {
    OptionSpec.Builder b = OptionSpec.builder("--" + k.key()).type(String.class).scopeType(ScopeType.INHERIT)
        .description(k.description() + (k.defaultValue() == null || k.secret() ? "" : " (default " + k.defaultValue() + ")"));
    if (k.flag()) {
      b.arity("0..1").fallbackValue("true").paramLabel("BOOL");
    } else {
      b.paramLabel(k.secret() ? "SECRET" : "VALUE");
    }
    return b.build();
  }

  /** The config of the command being run: defaults ← file ← env ← flags given on any level. */
  public static ServerConfig config(CommandSpec spec) {
    Map<String, String> flags = new LinkedHashMap<>();
    ParseResult pr = spec.commandLine().getParseResult();
    // walk from the leaf to the root so flags given after the subcommand win
    for (CommandLine c = spec.commandLine(); c != null; c = c.getParent()) {
      ParseResult r = c.getParseResult();
      if (r == null) {
        continue;
      }
      for (OptionSpec o : r.matchedOptions()) {
        String key = o.longestName().substring(2);
        if (ConfigKey.byKey(key) != null || key.equals(ConfigLoader.CONFIG)) {
          flags.putIfAbsent(key, r.matchedOptionValue(o.longestName(), (String) null));
        }
      }
    }
    if (pr == null) {
      throw new IllegalStateException("no parse result");
    }
    return ConfigLoader.load(flags, env);
  }

  @Override
  public Integer call() throws Exception {
    // picocli's output is the process's standard output unless a caller replaced it
    return serve(config(spec), spec.commandLine().getOut(), terminal);
  }

  /** Whether the picocli command's output is a terminal (set by {@link #run}). */
  private static volatile boolean terminal;

  /**
   * Whether standard output is an interactive terminal. On Java 17 {@link System#console()} is
   * non-null exactly when standard input and output are both terminals; from Java 22 it may exist
   * anyway, and {@code Console.isTerminal()} says.
   */
  static boolean stdoutIsTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /** Runs the server until SIGTERM or SIGINT; 0 after a clean shutdown. */
  private static int serve(ServerConfig config, PrintWriter out, boolean terminal) throws Exception {
    VidlogServer server = VidlogServer.start(config, opener);
    out.println("vidlog is running at " + server.url()
        + (server.ingestUrl() == null ? "" : " (PutMedia over HTTP/1.1: " + server.ingestUrl() + ")"));
    if (server.admin().created()) {
      // the one print of the CLI launcher: the operator needs these once. The secret goes only to a
      // terminal: standard output is often captured into logs (systemd, docker), the file is 0600.
      var c = server.admin().credentials();
      java.nio.file.Path file = config.dataDir().resolve(io.vidlog.server.keys.AdminCredentials.FILE);
      if (terminal) {
        out.println("Admin credentials (also in " + file + "):");
        out.println("  accessKeyId:     " + c.accessKeyId());
        out.println("  secretAccessKey: " + c.secretAccessKey());
        out.println("  region:          " + c.region());
        out.println("  endpoint:        " + c.endpoint());
      } else {
        out.println("Admin access key " + c.accessKeyId() + " created; its secret is in " + file
            + " (mode 0600), and is printed only to a terminal");
      }
    }
    out.flush();
    CountDownLatch terminate = new CountDownLatch(1);
    Signals.onTerminate(terminate::countDown);
    terminate.await();
    server.stop();
    return 0;
  }
}
