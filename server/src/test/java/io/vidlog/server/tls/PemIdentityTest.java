package io.vidlog.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PemIdentityTest {
  @TempDir
  Path dir;

  /** PKCS#8 ("PRIVATE KEY"), and the traditional PKCS#1 / SEC1 forms ("RSA/EC PRIVATE KEY") openssl writes. */
  @ParameterizedTest
  @CsvSource({"EC, pkcs8", "EC, traditional", "RSA, pkcs8", "RSA, traditional"})
  void readsKeyFormats(String algorithm, String form) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm);
    gen.initialize(algorithm.equals("EC") ? 256 : 2048);
    KeyPair pair = gen.generateKeyPair();
    X509Certificate cert = SelfSignedCertificateAccess.certificate(pair);
    Path certFile = write("cert.pem", cert);
    Object key = form.equals("pkcs8") ? new JcaPKCS8Generator(pair.getPrivate(), null)
        : algorithm.equals("EC") ? sec1(pair) : pair;
    Path keyFile = write("key.pem", key);

    X509KeyManager km = (X509KeyManager) PemIdentity.load(certFile, keyFile).getKeyManagers()[0];
    String alias = km.chooseServerAlias(algorithm, null, null);
    assertEquals("vidlog", alias);
    // the loaded key is the pair's: what it signs, the public key verifies
    String sigAlg = algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    Signature signer = Signature.getInstance(sigAlg);
    signer.initSign(km.getPrivateKey(alias));
    signer.update(new byte[] {1, 2, 3});
    Signature verifier = Signature.getInstance(sigAlg);
    verifier.initVerify(pair.getPublic());
    verifier.update(new byte[] {1, 2, 3});
    assertTrue(verifier.verify(signer.sign()));
    assertEquals(cert, km.getCertificateChain(alias)[0]);
  }

  @Test
  void namesTheFilesWhenTheKeyIsMissing() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("EC").generateKeyPair();
    Path certFile = write("cert.pem", SelfSignedCertificateAccess.certificate(pair));
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(keyFile, "not a key\n");
    var e = assertThrows(IllegalArgumentException.class, () -> PemIdentity.load(certFile, keyFile));
    assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
    var noCert = assertThrows(IllegalArgumentException.class, () -> PemIdentity.load(keyFile, keyFile));
    assertTrue(noCert.getMessage().contains("certificate"), noCert.getMessage());
  }

  /** An "EC PRIVATE KEY" as openssl writes it: SEC1 with the named curve inside (RFC 5915). */
  private static PemObject sec1(KeyPair pair) throws Exception {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    ECPrivateKey withCurve = new ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
    return new PemObject("EC PRIVATE KEY", withCurve.getEncoded());
  }

  private Path write(String name, Object pem) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(pem);
    }
    Path p = dir.resolve(name);
    Files.writeString(p, out.toString());
    return p;
  }

  /** The self-signed certificate builder of the launcher, for any key pair. */
  private static final class SelfSignedCertificateAccess {
    static X509Certificate certificate(KeyPair pair) throws Exception {
      return SelfSignedCertificate.certificate(pair, Set.of("localhost"));
    }
  }
}
