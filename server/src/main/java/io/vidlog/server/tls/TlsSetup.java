package io.vidlog.server.tls;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.TrustOptions;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS settings of the listeners: TLS 1.2 and 1.3 only, TLS 1.2 limited to forward-secret AEAD
 * suites ({@link #CIPHER_SUITES}), HTTP/2 and HTTP/1.1 via ALPN (HTTP/1.1 only on the ingest
 * listener), the PEM identity, and the OpenSSL engine (netty-tcnative-boringssl-static) when it
 * loads, else the JDK's.
 */
public final class TlsSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TlsSetup.class);

  private TlsSetup() {}

  /**
   * The listener never asks for client certificates (clients authenticate with SigV4), so it trusts
   * none. Without an explicit trust manager Netty would load and parse the JDK's whole CA store
   * for every server context, about 0.2 s on the first connection, for nothing.
   */
  static final X509TrustManager NO_CLIENT_CERTIFICATES = new X509TrustManager() {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("this trust manager only serves the listener");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  };

  /**
   * The cipher suites offered, in the server's order of preference, by their IANA names (Netty maps
   * them to OpenSSL's for the OpenSSL engine). TLS 1.3: the three suites of RFC 8446 §9.1, as both
   * engines enable them by default. TLS 1.2: only ECDHE key exchange (forward secrecy) with AES-GCM
   * or ChaCha20-Poly1305 (AEAD), as in Mozilla's "intermediate" profile without its finite-field DHE
   * suites: no CBC suites (Lucky13-style padding oracles) and no static-RSA key exchange (no forward
   * secrecy, ROBOT), which the engines' defaults still offer with an RSA certificate.
   */
  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /** Which TLS engine a listener uses. */
  public enum Engine { OPENSSL, JDK }

  /** OpenSSL when its native library loads here, else the JDK engine. */
  public static Engine bestEngine() {
    return OpenSSLEngineOptions.isAvailable() ? Engine.OPENSSL : Engine.JDK;
  }

  public static SSLEngineOptions engineOptions(Engine engine) {
    return engine == Engine.OPENSSL ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
  }

  /** Applies TLS to {@code options} and returns the engine chosen. */
  public static Engine apply(HttpServerOptions options, Path cert, Path key) {
    return apply(options, PemIdentity.load(cert, key));
  }

  /** Applies TLS with an identity already loaded (start-up reads it beside the stores opening). */
  public static Engine apply(HttpServerOptions options, KeyManagerFactory identity) {
    Engine engine = bestEngine();
    if (engine == Engine.JDK) {
      Throwable why = OpenSSLEngineOptions.isAvailable() ? null : io.netty.handler.ssl.OpenSsl.unavailabilityCause();
      LOG.info("OpenSSL engine not available ({}); using the JDK TLS engine",
          why == null ? "unknown reason" : why.getClass().getSimpleName() + ": " + why.getMessage());
    }
    apply(options, identity, engine);
    return engine;
  }

  /** Applies TLS with the given engine. */
  public static void apply(HttpServerOptions options, KeyManagerFactory identity, Engine engine) {
    options.getEnabledCipherSuites().clear();
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    options.setSsl(true)
        .setKeyCertOptions(KeyCertOptions.wrap(identity))
        .setTrustOptions(TrustOptions.wrap(NO_CLIENT_CERTIFICATES))
        .setSslEngineOptions(engineOptions(engine))
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
  }

  /**
   * The options of a listener that speaks HTTP/1.1 only, derived from the main listener's: ALPN
   * offers only {@code http/1.1} and there is no cleartext HTTP/2 upgrade. For producers that sign
   * hop-by-hop headers ({@code connection}, {@code transfer-encoding}), which HTTP/2 clients drop
   * (RFC 9113 §8.2.2), as the KVS C producer SDK over curl does for its chunked PutMedia.
   */
  public static HttpServerOptions http11Only(HttpServerOptions options) {
    return new HttpServerOptions(options).setAlpnVersions(List.of(HttpVersion.HTTP_1_1))
        .setHttp2ClearTextEnabled(false);
  }
}
