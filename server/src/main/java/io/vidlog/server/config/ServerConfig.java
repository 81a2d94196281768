package io.vidlog.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server's whole configuration, loaded once by {@link ConfigLoader} and validated before
 * anything starts. Secrets are excluded from {@code toString()}.
 */
public record ServerConfig(Path dataDir, HttpConfig http, TlsConfig tls, StoreConfig store,
    SecurityConfig security, LimitsConfig limits) {

  /**
   * The listeners. {@code publicUrl} and {@code publicIngestUrl} are null when they should be derived
   * from the bound ports. {@code ingestPort} is the HTTP/1.1-only PutMedia listener's port: 0 picks a
   * free one, {@link #NO_INGEST_LISTENER} means none.
   */
  public record HttpConfig(String bind, int port, URI publicUrl, boolean insecureHttp, String region, int ingestPort,
      URI publicIngestUrl) {
    public static final int NO_INGEST_LISTENER = -1;

    public boolean ingestListener() {
      return ingestPort != NO_INGEST_LISTENER;
    }

    public String scheme() {
      return insecureHttp ? "http" : "https";
    }

    /** A host name a local client can use for the bind address. */
    public String localHost() {
      if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]")) {
        return "localhost";
      }
      return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    }

    /** The base URL given to clients (admin credentials): {@code publicUrl}, else this host and {@code port}. */
    public String endpoint(int port) {
      return publicUrl != null ? publicUrl.toString() : scheme() + "://" + localHost() + ":" + port;
    }
  }

  /** PEM files; both null means a self-signed certificate kept under {@code <data-dir>/tls}. */
  public record TlsConfig(Path certFile, Path keyFile) {
    public boolean selfSigned() {
      return certFile == null;
    }
  }

  /** Which object store backs the server: {@code s3} is null for the embedded fs store. */
  public record StoreConfig(S3Config s3) {
    public String backend() {
      return s3 == null ? "fs" : "s3";
    }
  }

  /** An external S3-compatible store. */
  public record S3Config(URI endpoint, String bucket, String accessKey, String secretKey, String region,
      boolean pathStyle) {
    @Override
    public String toString() {
      return "S3Config[endpoint=" + endpoint + ", bucket=" + bucket + ", accessKey=" + accessKey
          + ", region=" + region + ", pathStyle=" + pathStyle + "]";
    }
  }

  /**
   * Key material, exposure of operational endpoints and the web player's sign-in lifetimes.
   * {@code masterKey} is null to use the keyring.
   */
  public record SecurityConfig(byte[] masterKey, boolean metricsPublic, Duration webSessionIdle,
      Duration webSessionMax) {
    @Override
    public String toString() {
      return "SecurityConfig[masterKey=" + (masterKey == null ? "keyring" : "<configured>")
          + ", metricsPublic=" + metricsPublic + ", webSessionIdle=" + webSessionIdle
          + ", webSessionMax=" + webSessionMax + "]";
    }
  }

  /**
   * Protection against oversized, slow or too many requests and connections, and memory budgets.
   * {@code indexCache} is the byte size of the time index's segment cache.
   */
  public record LimitsConfig(long maxJsonBody, int maxHeaderSize, int maxHeaders, int maxInitialLine,
      Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout, Duration requestTimeout, int maxConnections,
      int maxConnectionsPerIp, Duration shutdownTimeout, long maxMp4Upload, long indexCache, long clipMaxBytes,
      int clipMaxFragments) {}
}
