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
 * HTTPS settings of the listener: TLS 1.2 and 1.3 only, HTTP/2 and HTTP/1.1 via ALPN, the PEM
 * identity, and the OpenSSL engine (netty-tcnative-boringssl-static) when it loads, else the JDK's.
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
    options.setSsl(true)
        .setKeyCertOptions(KeyCertOptions.wrap(identity))
        .setTrustOptions(TrustOptions.wrap(NO_CLIENT_CERTIFICATES))
        .setSslEngineOptions(engineOptions(engine))
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    return engine;
  }
}
