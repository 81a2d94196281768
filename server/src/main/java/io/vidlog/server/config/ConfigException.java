package io.vidlog.server.config;

/** Invalid configuration: the message names the key and quotes the value (never a secret's value). */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }

  static ConfigException invalid(ConfigKey key, String value, String expected) {
    String shown = key.secret() ? "<redacted>" : value;
    return new ConfigException("Invalid value for '" + key.key() + "': '" + shown + "' (" + expected + ")");
  }
}
