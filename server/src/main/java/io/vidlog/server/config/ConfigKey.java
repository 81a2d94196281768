package io.vidlog.server.config;

/**
 * Every configuration key the server understands, in one place: the long flag is {@code --<key>},
 * the environment variable is {@code VIDLOG_<KEY>} (upper case, {@code -} → {@code _}) and the config
 * file uses the key itself (flat, or nested by its first dash-separated word: {@code s3: {bucket: b}}).
 * A null default means "unset" (for example no external S3 store).
 */
public enum ConfigKey {
  DATA_DIR("data-dir", "./vidlog-data", "Directory for the fs store, TLS material, keys and admin credentials"),
  PORT("port", "8443", "Listening port (0 picks a free port)"),
  BIND("bind", "0.0.0.0", "Listening address"),
  PUBLIC_URL("public-url", null, "Base URL returned by GetDataEndpoint (default https://<host>:<port>)"),
  INGEST_PORT("ingest-port", null, "Port of the HTTP/1.1-only listener GetDataEndpoint returns for PUT_MEDIA "
      + "(default --port + 1, a free port when --port is 0; 'off' for none)"),
  PUBLIC_INGEST_URL("public-ingest-url", null,
      "Base URL returned by GetDataEndpoint for PUT_MEDIA (default the --public-url host, or the request's, with --ingest-port)"),
  INSECURE_HTTP("insecure-http", "false", "Serve plain HTTP instead of HTTPS (logs a warning)"),
  TLS_CERT("tls-cert", null, "PEM certificate chain (default: self-signed under <data-dir>/tls)"),
  TLS_KEY("tls-key", null, "PEM private key matching --tls-cert"),
  REGION("region", "us-east-1", "Region name reported in ARNs and the admin credentials"),
  S3_ENDPOINT("s3-endpoint", null, "External S3 endpoint URL; when set the s3 backend replaces the fs store"),
  S3_BUCKET("s3-bucket", "vidlog", "Bucket of the external S3 store"),
  S3_ACCESS_KEY("s3-access-key", null, "Access key of the external S3 store"),
  S3_SECRET_KEY("s3-secret-key", null, "Secret key of the external S3 store"),
  S3_REGION("s3-region", "us-east-1", "Region of the external S3 store"),
  S3_PATH_STYLE("s3-path-style", "true", "Use path-style S3 requests"),
  MASTER_KEY("master-key", null, "Base64 256-bit master key (default: generated under <data-dir>/keys)"),
  METRICS_PUBLIC("metrics-public", "false", "Serve /metrics without authentication"),
  WEB_SESSION_IDLE("web-session-idle", "1h",
      "A web player sign-in ends after this long without a request (each request extends it)"),
  WEB_SESSION_MAX("web-session-max", "12h", "A web player sign-in ends this long after it began, used or not"),
  MAX_JSON_BODY("max-json-body", "1MB", "Largest JSON request body"),
  MAX_HEADER_SIZE("max-header-size", "16KB", "Largest total size of request headers"),
  MAX_HEADERS("max-headers", "100", "Most request headers per request"),
  MAX_INITIAL_LINE("max-initial-line", "8KB", "Longest request line"),
  IDLE_TIMEOUT("idle-timeout", "60s", "Close a connection that sends and receives nothing this long"),
  HEADER_TIMEOUT("header-timeout", "10s", "Close a connection whose request headers take longer than this"),
  BODY_TIMEOUT("body-timeout", "10s", "Time limit for a JSON request body to arrive (408 and the connection closed after)"),
  REQUEST_TIMEOUT("request-timeout", "30s", "Time limit of a JSON API request (not streaming routes)"),
  MAX_CONNECTIONS("max-connections", "4096", "Concurrent connections allowed in all (every listener)"),
  MAX_CONNECTIONS_PER_IP("max-connections-per-ip", "256",
      "Concurrent connections allowed from one client (an IPv4 address or an IPv6 /64)"),
  SHUTDOWN_TIMEOUT("shutdown-timeout", "10s", "How long in-flight requests may run after SIGTERM"),
  MAX_MP4_UPLOAD("max-mp4-upload", "4GB",
      "Largest progressive MP4 upload (spooled under <data-dir>/spool/uploads until its moov is read)"),
  INDEX_CACHE("index-cache", null, "Memory for time-index segments read from the store, shared by all streams "
      + "(default 1/8 of the maximum heap, 8MB-4GB; 0 keeps none beyond the query that read it)"),
  CLIP_MAX_BYTES("clip-max-bytes", "100MB", "GetClip: media bytes in one clip (a longer range gives its first part)"),
  CLIP_MAX_FRAGMENTS("clip-max-fragments", "200", "GetClip: fragments in one clip (a longer range gives its first part)"),
  HLS_PART_TARGET_MS("hls-part-target-ms", "200", "LL-HLS: longest partial segment of live playlists, in milliseconds "
      + "(50-2000; players stay three parts behind the newest)"),
  CLUSTER("cluster", "false", "Join a cluster of vidlog nodes over one S3 store (needs the s3 backend and --master-key)"),
  CLUSTER_HOST("cluster-host", "127.0.0.1", "Address this node listens on for the cluster (and its event bus), "
      + "reachable from every other node"),
  CLUSTER_PORT("cluster-port", "5701", "Port this node listens on for the cluster; the event bus uses a free port "
      + "on the same address"),
  CLUSTER_MEMBERS("cluster-members", null, "Other nodes to join, as host:port,host:port,... (TCP/IP join, no "
      + "multicast; the list may include this node)");

  private final String key;
  private final String defaultValue;
  private final String description;

  ConfigKey(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  public String envName() {
    return "VIDLOG_" + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /** Values that must never be printed (config dumps, error messages). */
  public boolean secret() {
    return this == S3_SECRET_KEY || this == MASTER_KEY;
  }

  /** Boolean flags take no value on the command line. */
  public boolean flag() {
    return this == INSECURE_HTTP || this == S3_PATH_STYLE || this == METRICS_PUBLIC || this == CLUSTER;
  }

  public static ConfigKey byKey(String key) {
    for (ConfigKey k : values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    return null;
  }
}
