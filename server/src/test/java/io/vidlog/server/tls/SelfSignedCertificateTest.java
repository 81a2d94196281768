package io.vidlog.server.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {
  @TempDir
  Path dir;

  private static Set<String> names(Path cert) throws Exception {
    try (InputStream in = Files.newInputStream(cert)) {
      X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      Set<String> names = new HashSet<>();
      x509.getSubjectAlternativeNames().forEach(n -> names.add(String.valueOf(n.get(1))));
      return names;
    }
  }

  /** A node reached at its public URL's host (another node's GetDataEndpoint answer) presents a certificate for it. */
  @Test
  void theGeneratedCertificateNamesTheHostsTheServerIsReachedAt() throws Exception {
    Path[] pair = SelfSignedCertificate.ensure(dir.resolve("a"), List.of("10.1.2.3", "node-b.example", "0.0.0.0"));
    Set<String> names = names(pair[0]);
    assertTrue(names.containsAll(List.of("localhost", "127.0.0.1", "10.1.2.3", "node-b.example")), names.toString());
    assertFalse(names.contains("0.0.0.0"), "the wildcard address is no host: " + names);
    assertFalse(names(SelfSignedCertificate.ensure(dir.resolve("b"))[0]).contains("10.1.2.3"));
  }
}
