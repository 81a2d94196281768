package io.vidlog.fragmentstore.object;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/** The OkHttp client minio-java runs on, with the TLS trust the config asks for. */
final class S3Http {
  private static final long MIN_PART = 5L * 1024 * 1024;
  /**
   * How long an idle connection is kept for the next call: shorter than the idle timeouts of S3
   * servers (Node's http server, which s3rver runs on, closes a connection after 5 s idle; AWS S3
   * after about 20 s), so a call never goes out on a connection the server is closing just then.
   * Such a call fails with "unexpected end of stream" after its request was sent, which OkHttp
   * does not retry, and an upload would be refused although the store is up.
   */
  static final long KEEP_ALIVE_SECONDS = 4;
  /** Idle connections kept at most: OkHttp's default. */
  private static final int MAX_IDLE_CONNECTIONS = 5;

  private S3Http() {}

  static OkHttpClient client(S3Config config) {
    OkHttpClient.Builder b = new OkHttpClient.Builder()
        .connectTimeout(config.connectTimeout())
        .readTimeout(config.ioTimeout())
        .writeTimeout(config.ioTimeout())
        .retryOnConnectionFailure(true)
        .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS));
    try {
      if (config.trustAll()) {
        X509TrustManager tm = new TrustAll();
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {tm}, null);
        b.sslSocketFactory(ssl.getSocketFactory(), tm).hostnameVerifier((host, session) -> true);
      } else if (config.caCertificatesPem() != null && !config.caCertificatesPem().isBlank()) {
        X509TrustManager tm = trusting(config.caCertificatesPem());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {tm}, null);
        b.sslSocketFactory(ssl.getSocketFactory(), tm);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS trust: " + e.getMessage(), e);
    }
    return b.build();
  }

  /** Trusts the PEM certificates given, in addition to nothing else (a private CA). */
  static X509TrustManager trusting(String pem) throws GeneralSecurityException {
    Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no certificate in the configured CA PEM");
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      ks.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    int i = 0;
    for (Certificate c : certs) {
      ks.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X509TrustManager");
  }

  /** Part size for multipart uploads of a file: S3 allows at most 10,000 parts of at least 5 MiB. */
  static long partSize(long size) {
    long part = Math.max(MIN_PART, (size + 9_999) / 10_000);
    return Math.min(part, 5L * 1024 * 1024 * 1024);
  }

  /** For tests against servers with self-signed certificates only. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
