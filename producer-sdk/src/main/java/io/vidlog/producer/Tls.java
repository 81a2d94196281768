package io.vidlog.producer;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The TLS side of a {@link Trust}: a socket factory, and whether host names are checked. */
final class Tls {
  private final SSLSocketFactory factory;
  private final boolean verifyHostName;

  private Tls(SSLSocketFactory factory, boolean verifyHostName) {
    this.factory = factory;
    this.verifyHostName = verifyHostName;
  }

  static Tls of(Trust trust) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      switch (trust.kind) {
        case SYSTEM -> ctx.init(null, null, null);
        case PEM -> ctx.init(null, trustManagers(trust), null);
        case INSECURE -> ctx.init(null, new TrustManager[] {new TrustAll()}, null);
        default -> throw new IllegalStateException(trust.toString());
      }
      return new Tls(ctx.getSocketFactory(), trust.kind != Trust.Kind.INSECURE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for " + trust + ": " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trustManagers(Trust trust) throws GeneralSecurityException {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(trust.pemFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the CA certificate file " + trust.pemFile + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(trust.pemFile + " holds no readable X.509 certificate (PEM): " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(trust.pemFile + " holds no certificate");
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    int i = 0;
    for (Certificate c : certs) {
      ks.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  /** Wraps a connected socket in TLS and completes the handshake (SNI and, unless insecure, host-name check). */
  SSLSocket wrap(Socket plain, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) factory.createSocket(plain, host, port, true);
    SSLParameters p = s.getSSLParameters();
    if (verifyHostName) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    // HTTP/1.1 only: PutMedia acks must flow while the body is still being written (see HttpConnection)
    p.setApplicationProtocols(new String[] {"http/1.1"});
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  /** Accepts every certificate ({@link Trust#insecure()}). */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
