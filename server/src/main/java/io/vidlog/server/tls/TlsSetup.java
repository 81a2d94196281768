package io.vidlog.server.tls;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLEngineOptions;
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
    Engine engine = bestEngine();
    if (engine == Engine.JDK) {
      Throwable why = OpenSSLEngineOptions.isAvailable() ? null : io.netty.handler.ssl.OpenSsl.unavailabilityCause();
      LOG.info("OpenSSL engine not available ({}); using the JDK TLS engine",
          why == null ? "unknown reason" : why.getClass().getSimpleName() + ": " + why.getMessage());
    }
    options.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()))
        .setSslEngineOptions(engineOptions(engine))
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    return engine;
  }
}
