package io.vidlog.server;

import io.vidlog.server.config.ConfigKey;
import io.vidlog.server.config.ConfigLoader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The launcher's fast path: the plain server command ({@code --key=value} / {@code --key value}
 * flags of {@link ConfigKey}, {@code --config FILE}, bare boolean flags) is parsed here without
 * picocli, whose reflective model of every command and option cost about 0.4 s of start-up.
 * Anything else (a subcommand, help, version, an unknown or ambiguous argument) returns
 * {@code null} and goes to picocli, which owns usage messages and errors; so this class only
 * accepts what picocli would read the same way.
 */
final class ServeArgs {
  private ServeArgs() {}

  /** The flags by key, or {@code null} when picocli must parse {@code args}. */
  static Map<String, String> parse(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        return null;
      }
      int eq = a.indexOf('=');
      String key = eq < 0 ? a.substring(2) : a.substring(2, eq);
      ConfigKey k = ConfigKey.byKey(key);
      if (k == null && !key.equals(ConfigLoader.CONFIG)) {
        return null;
      }
      String value;
      if (eq >= 0) {
        value = a.substring(eq + 1);
      } else if (k != null && k.flag()) {
        // picocli's arity 0..1 would take a following "true"/"false"; only the bare form is ours
        if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          return null;
        }
        value = "true";
      } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
        value = args[++i];
      } else {
        return null;
      }
      if (flags.containsKey(key)) {
        return null; // picocli reports the repeated option
      }
      flags.put(key, value);
    }
    return flags;
  }
}
