package io.vidlog.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The listener's TLS identity read from PEM files (a certificate chain and a PKCS#8, PKCS#1 or SEC1
 * private key) into a {@link KeyManagerFactory}. Vert.x's own PEM option does the same through a
 * PKCS#12 key store, whose default key protection runs 10,000 PBKDF2 rounds to store the key and
 * again to read it back: a few hundred milliseconds of start-up for an in-memory store nobody
 * else sees. Here the in-memory store is JKS, whose key wrapping is cheap; its password is a
 * throw-away and the store never leaves memory.
 */
public final class PemIdentity {
  private static final char[] IN_MEMORY = "vidlog-in-memory".toCharArray();

  private PemIdentity() {}

  /** Reads {@code cert} and {@code key}; errors name the file and what is wrong with it. */
  public static KeyManagerFactory load(Path cert, Path key) {
    try {
      List<Certificate> chain = certificates(cert);
      PrivateKey privateKey = privateKey(key);
      KeyStore store = KeyStore.getInstance("JKS");
      store.load(null, null);
      store.setKeyEntry("vidlog", privateKey, IN_MEMORY, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, IN_MEMORY);
      return kmf;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use TLS certificate " + cert + " with key " + key + ": "
          + e.getMessage(), e);
    }
  }

  static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    List<Certificate> chain = new ArrayList<>();
    try (var in = Files.newInputStream(file)) {
      chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + file);
    }
    return chain;
  }

  static PrivateKey privateKey(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          // SEC1 keys may omit the public key: convert only the private part
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
      }
    }
    throw new IOException("no unencrypted private key in " + file);
  }
}
