package io.vidlog.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vidlog.server.support.TestServers;
import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a TLS 1.2 client can negotiate with the listener's settings, for both engines and both key
 * types: only ECDHE with AES-GCM or ChaCha20-Poly1305; a client that offers only a CBC or a
 * static-RSA suite fails the handshake. TLS 1.3 keeps working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsCipherSuitesTest {
  Vertx vertx;
  KeyManagerFactory ec;
  KeyManagerFactory rsa;

  @BeforeAll
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    ec = identity("EC");
    rsa = identity("RSA");
  }

  @AfterAll
  void tearDown() {
    vertx.close().await();
  }

  private static KeyManagerFactory identity(String algorithm) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("EC")) {
      gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    } else {
      gen.initialize(2048, new SecureRandom());
    }
    KeyPair pair = gen.generateKeyPair();
    Certificate cert = SelfSignedCertificate.certificate(pair, Set.of("localhost", "127.0.0.1"));
    KeyStore ks = KeyStore.getInstance("JKS");
    ks.load(null, null);
    ks.setKeyEntry("k", pair.getPrivate(), "p".toCharArray(), new Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "p".toCharArray());
    return kmf;
  }

  static java.util.stream.Stream<Arguments> cases() {
    java.util.List<Arguments> all = new java.util.ArrayList<>();
    for (TlsSetup.Engine engine : TlsSetup.Engine.values()) {
      for (String key : new String[] {"EC", "RSA"}) {
        String kx = key.equals("EC") ? "ECDSA" : "RSA";
        all.add(Arguments.of(engine, key, "TLSv1.2", "TLS_ECDHE_" + kx + "_WITH_AES_128_GCM_SHA256", true));
        all.add(Arguments.of(engine, key, "TLSv1.2", "TLS_ECDHE_" + kx + "_WITH_AES_256_GCM_SHA384", true));
        all.add(Arguments.of(engine, key, "TLSv1.2", "TLS_ECDHE_" + kx + "_WITH_CHACHA20_POLY1305_SHA256", true));
        all.add(Arguments.of(engine, key, "TLSv1.2", "TLS_ECDHE_" + kx + "_WITH_AES_128_CBC_SHA256", false));
        all.add(Arguments.of(engine, key, "TLSv1.2", "TLS_ECDHE_" + kx + "_WITH_AES_256_CBC_SHA", false));
        all.add(Arguments.of(engine, key, "TLSv1.3", "TLS_AES_128_GCM_SHA256", true));
        all.add(Arguments.of(engine, key, "TLSv1.3", "TLS_AES_256_GCM_SHA384", true));
      }
      // a static-RSA key exchange needs an RSA certificate: the engines' defaults offer it then
      all.add(Arguments.of(engine, "RSA", "TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256", false));
      all.add(Arguments.of(engine, "RSA", "TLSv1.2", "TLS_RSA_WITH_AES_256_GCM_SHA384", false));
      all.add(Arguments.of(engine, "RSA", "TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA", false));
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} engine, {1} key, {2} {3}: handshake {4}")
  @MethodSource("cases")
  void onlyForwardSecretAeadSuitesAreNegotiated(TlsSetup.Engine engine, String key, String protocol, String suite,
      boolean accepted) throws Exception {
    if (engine == TlsSetup.Engine.OPENSSL) {
      assertEquals(TlsSetup.Engine.OPENSSL, TlsSetup.bestEngine(), "the OpenSSL engine must load here");
    }
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0);
    TlsSetup.apply(options, key.equals("EC") ? ec : rsa, engine);
    HttpServer server = vertx.createHttpServer(options).requestHandler(r -> r.response().end("ok"))
        .listen().await(20, TimeUnit.SECONDS);
    try {
      if (accepted) {
        assertEquals(suite, handshake(server.actualPort(), protocol, suite));
      } else {
        assertThrows(SSLHandshakeException.class, () -> handshake(server.actualPort(), protocol, suite));
      }
    } finally {
      server.close().await(20, TimeUnit.SECONDS);
    }
  }

  /** Handshakes offering only {@code suite} over {@code protocol}; returns the suite negotiated. */
  private static String handshake(int port, String protocol, String suite) throws Exception {
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, TestServers.TRUST_ALL, new SecureRandom());
    try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      s.setEnabledProtocols(new String[] {protocol});
      s.setEnabledCipherSuites(new String[] {suite});
      s.startHandshake();
      String negotiated = s.getSession().getCipherSuite();
      assertTrue(s.getSession().getProtocol().equals(protocol), s.getSession().getProtocol());
      return negotiated;
    } catch (IOException e) {
      if (e instanceof SSLHandshakeException) {
        throw e;
      }
      // the server may close the connection instead of sending an alert
      throw new SSLHandshakeException("connection closed during the handshake: " + e);
    }
  }
}
