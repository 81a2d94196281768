package io.vidlog.producer.cli;

import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;

/** What every command needs from the command tree. */
final class Commands {
  private Commands() {}

  /** The top-level command, which holds the connection options. */
  static VidlogCli root(CommandSpec spec) {
    CommandSpec s = spec;
    while (s.parent() != null) {
      s = s.parent();
    }
    return (VidlogCli) s.userObject();
  }

  static PrintWriter out(CommandSpec spec) {
    return spec.commandLine().getOut();
  }

  static PrintWriter err(CommandSpec spec) {
    return spec.commandLine().getErr();
  }

  /** Whether progress lines that rewrite themselves ({@code \r}) can be shown: standard error is a terminal. */
  static boolean interactive() {
    return System.console() != null;
  }

  /** A duration option given in seconds (fractions allowed), checked to be positive. */
  static Duration seconds(double seconds, String option) {
    if (!(seconds > 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException(option + " " + seconds + ": want a number of seconds above 0");
    }
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  /** Bytes for people: 1.5 MB. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format("%.1f KB", n / 1024.0);
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format("%.1f MB", n / (1024.0 * 1024));
    }
    return String.format("%.2f GB", n / (1024.0 * 1024 * 1024));
  }
}
