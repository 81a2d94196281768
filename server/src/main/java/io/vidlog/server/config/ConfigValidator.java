package io.vidlog.server.config;

import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.server.config.ServerConfig.ClusterConfig;
import io.vidlog.server.config.ServerConfig.ClusterConfig.Member;
import io.vidlog.server.config.ServerConfig.HttpConfig;
import io.vidlog.server.config.ServerConfig.LimitsConfig;
import io.vidlog.server.config.ServerConfig.S3Config;
import io.vidlog.server.config.ServerConfig.SecurityConfig;
import io.vidlog.server.config.ServerConfig.StoreConfig;
import io.vidlog.server.config.ServerConfig.TlsConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns raw string values into a {@link ServerConfig}, rejecting each bad value with its key. */
final class ConfigValidator {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KB|K|MB|M|GB|G)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

  private final Map<ConfigKey, String> values;

  private ConfigValidator(Map<ConfigKey, String> values) {
    this.values = values;
  }

  static ServerConfig build(Map<ConfigKey, String> values) {
    return new ConfigValidator(values).build();
  }

  private ServerConfig build() {
    int port = intIn(ConfigKey.PORT, 0, 65535);
    HttpConfig http = new HttpConfig(nonEmpty(ConfigKey.BIND), port, url(ConfigKey.PUBLIC_URL),
        bool(ConfigKey.INSECURE_HTTP), region(ConfigKey.REGION), ingestPort(port), url(ConfigKey.PUBLIC_INGEST_URL));
    Path cert = path(ConfigKey.TLS_CERT);
    Path key = path(ConfigKey.TLS_KEY);
    if ((cert == null) != (key == null)) {
      ConfigKey missing = cert == null ? ConfigKey.TLS_CERT : ConfigKey.TLS_KEY;
      throw new ConfigException("'" + missing.key() + "' is required when '"
          + (cert == null ? ConfigKey.TLS_KEY : ConfigKey.TLS_CERT).key() + "' is set");
    }
    StoreConfig store = new StoreConfig(s3());
    SecurityConfig security = security();
    return new ServerConfig(path(ConfigKey.DATA_DIR), http, new TlsConfig(cert, key), store, security, limits(),
        cluster(store, security));
  }

  /**
   * {@code --cluster}: every node must see the same streams, fragments and keys, so the store is
   * the shared s3 backend (the fs store is one machine's disk) and the master key is given, not
   * generated per node under its data dir (nodes would seal with keys the others cannot unwrap).
   */
  private ClusterConfig cluster(StoreConfig store, SecurityConfig security) {
    if (!bool(ConfigKey.CLUSTER)) {
      if (raw(ConfigKey.CLUSTER_MEMBERS) != null) {
        throw new ConfigException("'" + ConfigKey.CLUSTER_MEMBERS.key() + "' is set but '" + ConfigKey.CLUSTER.key()
            + "' is not");
      }
      return null;
    }
    if (store.s3() == null) {
      throw new ConfigException("'" + ConfigKey.CLUSTER.key() + "' needs the s3 store backend shared by every node: "
          + "set '" + ConfigKey.S3_ENDPOINT.key() + "' (the fs store is one machine's disk)");
    }
    if (security.masterKey() == null) {
      throw new ConfigException("'" + ConfigKey.CLUSTER.key() + "' needs '" + ConfigKey.MASTER_KEY.key()
          + "', the same on every node (a key generated under one node's data dir cannot open what the others seal)");
    }
    String host = nonEmpty(ConfigKey.CLUSTER_HOST);
    int port = intIn(ConfigKey.CLUSTER_PORT, 1, 65535);
    List<Member> members = new ArrayList<>();
    String list = raw(ConfigKey.CLUSTER_MEMBERS);
    if (list != null && !list.isBlank()) {
      for (String item : list.split(",")) {
        Member m = member(item.trim());
        if (!members.contains(m)) {
          members.add(m);
        }
      }
    }
    return new ClusterConfig(host, port, members);
  }

  private Member member(String item) {
    int colon = item.lastIndexOf(':');
    if (colon > 0 && colon < item.length() - 1) {
      String host = item.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(item.substring(colon + 1));
        if (port >= 1 && port <= 65535 && !host.isBlank()) {
          return new Member(host, port);
        }
      } catch (NumberFormatException e) {
        // fall through to the message
      }
    }
    throw ConfigException.invalid(ConfigKey.CLUSTER_MEMBERS, raw(ConfigKey.CLUSTER_MEMBERS),
        "expected host:port,host:port,... but '" + item + "' is not host:port");
  }

  private SecurityConfig security() {
    Duration idle = duration(ConfigKey.WEB_SESSION_IDLE);
    Duration max = duration(ConfigKey.WEB_SESSION_MAX);
    if (idle.compareTo(max) > 0) {
      throw ConfigException.invalid(ConfigKey.WEB_SESSION_IDLE, raw(ConfigKey.WEB_SESSION_IDLE),
          "must not be longer than '" + ConfigKey.WEB_SESSION_MAX.key() + "' (" + raw(ConfigKey.WEB_SESSION_MAX) + ")");
    }
    return new SecurityConfig(masterKey(), bool(ConfigKey.METRICS_PUBLIC), idle, max);
  }

  private S3Config s3() {
    URI endpoint = url(ConfigKey.S3_ENDPOINT);
    if (endpoint == null) {
      return null;
    }
    String bucket = nonEmpty(ConfigKey.S3_BUCKET);
    // S3 bucket naming rules (3-63 lower-case letters, digits, dots, hyphens)
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw ConfigException.invalid(ConfigKey.S3_BUCKET, bucket, "expected an S3 bucket name");
    }
    return new S3Config(endpoint, bucket, nonEmpty(ConfigKey.S3_ACCESS_KEY), nonEmpty(ConfigKey.S3_SECRET_KEY),
        region(ConfigKey.S3_REGION), bool(ConfigKey.S3_PATH_STYLE));
  }

  private LimitsConfig limits() {
    return new LimitsConfig(size(ConfigKey.MAX_JSON_BODY, 1, 64L << 20), (int) size(ConfigKey.MAX_HEADER_SIZE, 1024, 1 << 20),
        intIn(ConfigKey.MAX_HEADERS, 8, 1000), (int) size(ConfigKey.MAX_INITIAL_LINE, 256, 1 << 20),
        duration(ConfigKey.IDLE_TIMEOUT), duration(ConfigKey.HEADER_TIMEOUT), duration(ConfigKey.BODY_TIMEOUT),
        duration(ConfigKey.REQUEST_TIMEOUT),
        intIn(ConfigKey.MAX_CONNECTIONS, 1, 10_000_000), intIn(ConfigKey.MAX_CONNECTIONS_PER_IP, 1, 1_000_000),
        duration(ConfigKey.SHUTDOWN_TIMEOUT), size(ConfigKey.MAX_MP4_UPLOAD, 1L << 20, 1L << 40), indexCache(),
        size(ConfigKey.CLIP_MAX_BYTES, 1L << 20, 1L << 40), intIn(ConfigKey.CLIP_MAX_FRAGMENTS, 1, 100_000),
        intIn(ConfigKey.HLS_PART_TARGET_MS, 50, 2000));
  }

  /** The index's segment cache: as given, else its default relative to the heap. */
  private long indexCache() {
    return raw(ConfigKey.INDEX_CACHE) == null ? IndexConfig.defaultCacheBytes()
        : size(ConfigKey.INDEX_CACHE, 0, 1L << 40);
  }

  /**
   * The ingest listener's port: as given, {@code off} for none, and by default the next port after
   * {@code --port} (a free port when {@code --port} is 0, so tests and several servers on one box
   * never collide).
   */
  private int ingestPort(int port) {
    String v = raw(ConfigKey.INGEST_PORT);
    if (v == null) {
      if (port == 65535) {
        throw new ConfigException("'" + ConfigKey.INGEST_PORT.key() + "' is required when '" + ConfigKey.PORT.key()
            + "' is 65535 (its default is the next port)");
      }
      return port == 0 ? 0 : port + 1;
    }
    if (v.trim().equalsIgnoreCase("off")) {
      return HttpConfig.NO_INGEST_LISTENER;
    }
    try {
      int ingest = Integer.parseInt(v.trim());
      if (ingest >= 0 && ingest <= 65535 && (ingest == 0 || ingest != port)) {
        return ingest;
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw ConfigException.invalid(ConfigKey.INGEST_PORT, v, "expected a port from 0 to 65535 other than '"
        + ConfigKey.PORT.key() + "', or off");
  }

  private byte[] masterKey() {
    String v = values.get(ConfigKey.MASTER_KEY);
    if (v == null) {
      return null;
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(v.trim());
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid(ConfigKey.MASTER_KEY, v, "expected base64");
    }
    if (key.length != 32) {
      throw ConfigException.invalid(ConfigKey.MASTER_KEY, v, "expected 32 bytes (256 bits) in base64, got " + key.length);
    }
    return key;
  }

  private String raw(ConfigKey k) {
    return values.get(k);
  }

  private String nonEmpty(ConfigKey k) {
    String v = raw(k);
    if (v == null || v.isBlank()) {
      throw ConfigException.invalid(k, v == null ? "" : v, "a value is required");
    }
    return v.trim();
  }

  private String region(ConfigKey k) {
    String v = nonEmpty(k);
    if (!v.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw ConfigException.invalid(k, v, "expected a region name such as us-east-1");
    }
    return v;
  }

  private Path path(ConfigKey k) {
    String v = raw(k);
    if (v == null) {
      return null;
    }
    if (v.isBlank()) {
      throw ConfigException.invalid(k, v, "expected a file system path");
    }
    try {
      return Path.of(v.trim());
    } catch (java.nio.file.InvalidPathException e) {
      throw ConfigException.invalid(k, v, "expected a file system path");
    }
  }

  private int intIn(ConfigKey k, int min, int max) {
    String v = nonEmpty(k);
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw ConfigException.invalid(k, v, "expected an integer from " + min + " to " + max);
  }

  private boolean bool(ConfigKey k) {
    String v = nonEmpty(k).toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw ConfigException.invalid(k, raw(k), "expected true or false");
    };
  }

  private URI url(ConfigKey k) {
    String v = raw(k);
    if (v == null) {
      return null;
    }
    try {
      URI u = new URI(v.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      boolean schemeOk = scheme.equals("https") || scheme.equals("http");
      if (schemeOk && u.getHost() != null && (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/"))
          && u.getQuery() == null && u.getFragment() == null) {
        return u;
      }
    } catch (URISyntaxException e) {
      // fall through to the message
    }
    throw ConfigException.invalid(k, v, "expected an absolute http(s) URL with a host and no path, such as https://vidlog.example.com:8443");
  }

  private long size(ConfigKey k, long min, long max) {
    String v = nonEmpty(k);
    Matcher m = SIZE.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
      long mult = switch (unit) {
        case "K", "KB" -> 1024L;
        case "M", "MB" -> 1024L * 1024;
        case "G", "GB" -> 1024L * 1024 * 1024;
        default -> 1L;
      };
      long bytes = n * mult;
      if (bytes >= min && bytes <= max) {
        return bytes;
      }
    }
    throw ConfigException.invalid(k, v, "expected a size from " + min + " to " + max + " bytes, such as 1MB or 16KB");
  }

  private Duration duration(ConfigKey k) {
    String v = nonEmpty(k);
    Matcher m = DURATION.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
      Duration d = switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofSeconds(n);
      };
      if (!d.isZero() && d.compareTo(Duration.ofHours(24)) <= 0) {
        return d;
      }
    }
    throw ConfigException.invalid(k, v, "expected a positive duration up to 24h, such as 30s, 500ms or 5m");
  }
}
