package io.vidlog.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server's whole configuration, loaded once by {@link ConfigLoader} and validated before
 * anything starts. Secrets are excluded from {@code toString()}.
 */
public record ServerConfig(Path dataDir, HttpConfig http, TlsConfig tls, StoreConfig store,
    SecurityConfig security, LimitsConfig limits, ClusterConfig cluster) {

  /** Whether this node is one of a cluster ({@code --cluster}); {@link #cluster} is null otherwise. */
  public boolean clustered() {
    return cluster != null;
  }

  /**
   * Cluster mode: where this node listens for the cluster ({@code host}, {@code port}) and the other
   * nodes it joins over TCP/IP (no multicast). {@code members} may name this node too.
   */
  public record ClusterConfig(String host, int port, java.util.List<Member> members) {
    public ClusterConfig {
      members = java.util.List.copyOf(members);
    }

    /** One {@code host:port} of {@code --cluster-members}. */
    public record Member(String host, int port) {
      @Override
      public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
      }
    }

    /**
     * The nodes the operator expects: the listed members plus this node when the list does not
     * name it. The majority of it is the quorum a node needs to keep writing (split-brain
     * protection, docs/cluster.md).
     */
    public int expectedSize() {
      Member self = new Member(host, port);
      return members.contains(self) ? members.size() : members.size() + 1;
    }
  }

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
   * {@code indexCache} is the byte size of the time index's segment cache; {@code hlsPartTargetMillis}
   * the LL-HLS part target of live playlists.
   */
  public record LimitsConfig(long maxJsonBody, int maxHeaderSize, int maxHeaders, int maxInitialLine,
      Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout, Duration requestTimeout, int maxConnections,
      int maxConnectionsPerIp, Duration shutdownTimeout, long maxMp4Upload, long indexCache, long clipMaxBytes,
      int clipMaxFragments, int hlsPartTargetMillis) {}
}
