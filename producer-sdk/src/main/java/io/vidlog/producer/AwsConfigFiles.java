package io.vidlog.producer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The AWS SDKs' shared configuration conventions ("AWS SDKs and Tools Reference Guide", shared
 * config and credentials files; environment variables): the credential and region variables, and
 * the INI-style files {@code ~/.aws/credentials} (sections {@code [name]}) and {@code ~/.aws/config}
 * (sections {@code [profile name]}, and {@code [default]}).
 */
final class AwsConfigFiles {
  static final String DEFAULT_REGION = "us-east-1";

  private AwsConfigFiles() {}

  static CredentialsProvider environmentCredentials(Map<String, String> env) {
    return () -> {
      String id = env.get("AWS_ACCESS_KEY_ID");
      String secret = env.get("AWS_SECRET_ACCESS_KEY");
      if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
        throw new IllegalStateException("no credentials in the environment: set AWS_ACCESS_KEY_ID and "
            + "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)");
      }
      return new Credentials(id.strip(), secret.strip(), env.get("AWS_SESSION_TOKEN"));
    };
  }

  static Path credentialsFile(Map<String, String> env) {
    String f = env.get("AWS_SHARED_CREDENTIALS_FILE");
    return f != null && !f.isBlank() ? Path.of(f) : home().resolve(".aws").resolve("credentials");
  }

  static Path configFile(Map<String, String> env) {
    String f = env.get("AWS_CONFIG_FILE");
    return f != null && !f.isBlank() ? Path.of(f) : home().resolve(".aws").resolve("config");
  }

  private static Path home() {
    return Path.of(System.getProperty("user.home"));
  }

  static String profileName(Map<String, String> env) {
    String p = env.get("AWS_PROFILE");
    return p != null && !p.isBlank() ? p.strip() : "default";
  }

  static CredentialsProvider profileCredentials(Path file, String profile) {
    return () -> {
      Map<String, String> section = read(file).get(profile);
      if (section == null) {
        throw new IllegalStateException("no profile [" + profile + "] in " + file);
      }
      String id = section.get("aws_access_key_id");
      String secret = section.get("aws_secret_access_key");
      if (id == null || secret == null || id.isEmpty() || secret.isEmpty()) {
        throw new IllegalStateException("profile [" + profile + "] in " + file
            + " lacks aws_access_key_id or aws_secret_access_key");
      }
      return new Credentials(id, secret, section.get("aws_session_token"));
    };
  }

  static CredentialsProvider defaultChain(Map<String, String> env) {
    String id = env.get("AWS_ACCESS_KEY_ID");
    if (id != null && !id.isBlank()) {
      return environmentCredentials(env);
    }
    return profileCredentials(credentialsFile(env), profileName(env));
  }

  /** AWS_REGION, AWS_DEFAULT_REGION, the profile's region in the config file, else us-east-1. */
  static String defaultRegion(Map<String, String> env) {
    for (String v : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
      String r = env.get(v);
      if (r != null && !r.isBlank()) {
        return r.strip();
      }
    }
    String profile = profileName(env);
    try {
      Map<String, Map<String, String>> config = read(configFile(env));
      Map<String, String> s = config.get(profile.equals("default") ? "default" : "profile " + profile);
      if (s != null && s.get("region") != null && !s.get("region").isEmpty()) {
        return s.get("region");
      }
    } catch (IllegalStateException e) {
      // an unreadable config file only means no region from it
    }
    return DEFAULT_REGION;
  }

  /**
   * Sections of an INI file as the AWS SDKs read it: {@code [name]} headers (inner spaces collapsed),
   * {@code key = value} lines, {@code #} and {@code ;} comment lines, keys case-insensitive. A missing file
   * has no sections.
   */
  static Map<String, Map<String, String>> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), new UncheckedIOException(e));
    }
    Map<String, Map<String, String>> sections = new HashMap<>();
    Map<String, String> current = null;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        String name = line.substring(1, line.length() - 1).strip().replaceAll("\\s+", " ");
        current = sections.computeIfAbsent(name, k -> new HashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (current != null && eq > 0) {
        current.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
      }
    }
    return sections;
  }
}
