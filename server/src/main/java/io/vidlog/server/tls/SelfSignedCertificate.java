package io.vidlog.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The first-start TLS identity: an EC P-256 key and a self-signed certificate (bouncycastle) for
 * localhost, 127.0.0.1, ::1, the machine's host name and the hosts the server is reached at
 * ({@code --public-url}, {@code --bind}), written as PEM ({@code cert.pem},
 * {@code key.pem}, the key with mode 0600) and reused on later starts.
 */
public final class SelfSignedCertificate {
  public static final String CERT_FILE = "cert.pem";
  public static final String KEY_FILE = "key.pem";
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private SelfSignedCertificate() {}

  /** Returns {@code (cert, key)} under {@code dir}, generating them when absent. */
  public static Path[] ensure(Path dir) {
    return ensure(dir, List.of());
  }

  /**
   * As {@link #ensure(Path)}, a generated certificate also naming {@code hosts} (names or IP
   * addresses; the wildcard address is skipped): the addresses other nodes send clients to.
   */
  public static Path[] ensure(Path dir, List<String> hosts) {
    Path cert = dir.resolve(CERT_FILE);
    Path key = dir.resolve(KEY_FILE);
    if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
      return new Path[] {cert, key};
    }
    try {
      Files.createDirectories(dir);
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = gen.generateKeyPair();
      Set<String> names = hostNames();
      hosts.stream().filter(h -> h != null && !h.isBlank() && !h.equals("0.0.0.0") && !h.equals("::"))
          .map(h -> h.startsWith("[") ? h.substring(1, h.length() - 1) : h).forEach(names::add);
      X509Certificate x509 = certificate(pair, names);
      PrivateFiles.writeAtomically(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
      Path tmp = dir.resolve(CERT_FILE + ".tmp");
      Files.writeString(tmp, pem(x509), StandardCharsets.US_ASCII);
      Files.move(tmp, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Path[] {cert, key};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write TLS material under " + dir, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate a TLS certificate", e);
    }
  }

  /** localhost, the loopback addresses and this machine's host name (when it resolves quickly). */
  static Set<String> hostNames() {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      names.add(env.trim());
    }
    try {
      names.add(InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      // no resolvable host name: localhost and loopback are enough
    }
    return names;
  }

  static X509Certificate certificate(KeyPair pair, Set<String> names)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=vidlog " + names.iterator().next());
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
        new BigInteger(64, new SecureRandom()).setBit(63), Date.from(now.minus(Duration.ofDays(1))),
        Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
    List<GeneralName> sans = new ArrayList<>();
    for (String n : names) {
      boolean ip = n.matches("[0-9.]+") || n.contains(":");
      sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
    }
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    String algorithm = pair.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    var signer = new JcaContentSignerBuilder(algorithm).build(pair.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }
}
