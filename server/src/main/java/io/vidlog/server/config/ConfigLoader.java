package io.vidlog.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Builds the {@link ServerConfig} from, in increasing precedence: the defaults of {@link ConfigKey},
 * a YAML or JSON file ({@code --config FILE} or {@code VIDLOG_CONFIG}), {@code VIDLOG_*} environment
 * variables and command-line flags. Unknown keys in the file are errors; every error names the key
 * and the offending value.
 */
public final class ConfigLoader {
  /** The flag / env key naming the config file itself. */
  public static final String CONFIG = "config";

  private ConfigLoader() {}

  /**
   * @param flags values given on the command line, by {@link ConfigKey#key()} (plus {@link #CONFIG})
   * @param env the process environment
   */
  public static ServerConfig load(Map<String, String> flags, Map<String, String> env) {
    Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
    for (ConfigKey k : ConfigKey.values()) {
      if (k.defaultValue() != null) {
        values.put(k, k.defaultValue());
      }
    }
    String file = flags.getOrDefault(CONFIG, env.get("VIDLOG_CONFIG"));
    if (file != null) {
      readFile(Path.of(file), values);
    }
    for (ConfigKey k : ConfigKey.values()) {
      String v = env.get(k.envName());
      if (v != null) {
        values.put(k, v);
      }
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      if (CONFIG.equals(e.getKey())) {
        continue;
      }
      ConfigKey k = ConfigKey.byKey(e.getKey());
      if (k == null) {
        throw new ConfigException("Unknown configuration key '" + e.getKey() + "'");
      }
      values.put(k, e.getValue());
    }
    return ConfigValidator.build(values);
  }

  static void readFile(Path path, Map<ConfigKey, String> into) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(Files.readString(path));
    } catch (IOException e) {
      throw new ConfigException("Cannot read config file '" + path + "': " + firstLine(e.getMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      throw new ConfigException("Config file '" + path + "' must hold a mapping of keys to values");
    }
    flatten("", root, path, into);
  }

  private static void flatten(String prefix, JsonNode node, Path path, Map<ConfigKey, String> into) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix.isEmpty() ? e.getKey() : prefix + "-" + e.getKey();
      JsonNode v = e.getValue();
      if (v.isObject()) {
        flatten(key, v, path, into);
        continue;
      }
      ConfigKey k = ConfigKey.byKey(key);
      if (k == null) {
        throw new ConfigException("Unknown configuration key '" + key + "' in " + path);
      }
      if (!v.isValueNode() || v.isNull()) {
        throw ConfigException.invalid(k, v.toString(), "expected a single value");
      }
      into.put(k, v.asText());
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
