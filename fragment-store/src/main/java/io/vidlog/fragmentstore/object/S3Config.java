package io.vidlog.fragmentstore.object;

import java.time.Duration;

/**
 * How to reach an S3-compatible server (MinIO, Ceph RGW, AWS S3, S3Proxy, s3rver).
 *
 * @param endpoint base URL, e.g. {@code https://minio.local:9000}
 * @param region signing region ({@code us-east-1} when the server does not care)
 * @param bucket the one bucket vidlog uses; created when missing
 * @param pathStyle {@code true} for {@code https://host/bucket/key} (most self-hosted servers),
 *     {@code false} for virtual-host style {@code https://bucket.host/key}
 * @param trustAll accept any TLS certificate and host name (tests only)
 * @param caCertificatesPem PEM text of extra CA certificates to trust (a private CA), or null
 * @param workerThreads size of the {@code vidlog-store-s3} worker pool (blocking HTTP calls)
 * @param connectTimeout how long a TCP (and TLS) connection to the server may take
 * @param ioTimeout how long a request may wait for the next byte it sends or receives: a server
 *     that accepted a connection and then stopped answering (frozen, overloaded, or behind a path
 *     that drops packets) fails the call after this instead of holding a worker thread
 */
public record S3Config(String endpoint, String region, String bucket, String accessKey, String secretKey,
    boolean pathStyle, boolean trustAll, String caCertificatesPem, int workerThreads, Duration connectTimeout,
    Duration ioTimeout) {

  public static final int DEFAULT_WORKERS = 16;
  /** As the AWS SDKs' connection timeout, with room for a TLS handshake to a loaded server. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** The AWS SDKs' socket timeout: 30 s without a byte is a dead request, not a slow one. */
  public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(30);

  public S3Config {
    require(endpoint, "endpoint");
    require(bucket, "bucket");
    require(accessKey, "access key");
    require(secretKey, "secret key");
    if (region == null || region.isBlank()) {
      region = "us-east-1";
    }
    if (workerThreads <= 0) {
      workerThreads = DEFAULT_WORKERS;
    }
    if (connectTimeout == null || connectTimeout.isZero() || connectTimeout.isNegative()) {
      connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    }
    if (ioTimeout == null || ioTimeout.isZero() || ioTimeout.isNegative()) {
      ioTimeout = DEFAULT_IO_TIMEOUT;
    }
  }

  /** With the default timeouts. */
  public S3Config(String endpoint, String region, String bucket, String accessKey, String secretKey,
      boolean pathStyle, boolean trustAll, String caCertificatesPem, int workerThreads) {
    this(endpoint, region, bucket, accessKey, secretKey, pathStyle, trustAll, caCertificatesPem, workerThreads, null,
        null);
  }

  /** Plain settings: path style, default trust, default pool. */
  public static S3Config of(String endpoint, String region, String bucket, String accessKey, String secretKey) {
    return new S3Config(endpoint, region, bucket, accessKey, secretKey, true, false, null, DEFAULT_WORKERS);
  }

  public S3Config withTrustAll(boolean trust) {
    return new S3Config(endpoint, region, bucket, accessKey, secretKey, pathStyle, trust, caCertificatesPem, workerThreads, connectTimeout,
        ioTimeout);
  }

  public S3Config withCaCertificatesPem(String pem) {
    return new S3Config(endpoint, region, bucket, accessKey, secretKey, pathStyle, trustAll, pem, workerThreads, connectTimeout,
        ioTimeout);
  }

  public S3Config withPathStyle(boolean style) {
    return new S3Config(endpoint, region, bucket, accessKey, secretKey, style, trustAll, caCertificatesPem, workerThreads, connectTimeout,
        ioTimeout);
  }

  public S3Config withTimeouts(Duration connect, Duration io) {
    return new S3Config(endpoint, region, bucket, accessKey, secretKey, pathStyle, trustAll, caCertificatesPem,
        workerThreads, connect, io);
  }

  private static void require(String v, String name) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("s3 " + name + " is required");
    }
  }

  /** Never shows the secret key. */
  @Override
  public String toString() {
    return "S3Config[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", accessKey=" + accessKey
        + ", pathStyle=" + pathStyle + ", trustAll=" + trustAll + ", customCa=" + (caCertificatesPem != null)
        + ", connectTimeout=" + connectTimeout + ", ioTimeout=" + ioTimeout + "]";
  }
}
