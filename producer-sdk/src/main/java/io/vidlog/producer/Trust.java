package io.vidlog.producer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a client decides to trust the server's TLS certificate.
 *
 * <ul>
 *   <li>{@link #system()}: the JVM's default trust store (public CAs), with host-name checking;</li>
 *   <li>{@link #pem(Path)}: the certificates in a PEM file, for example the self-signed
 *       {@code <data-dir>/tls/cert.pem} a vidlog server makes on first start, with host-name
 *       checking;</li>
 *   <li>{@link #insecure()}: any certificate, any host name. For experiments only: anyone on the
 *       path can read and change the traffic.</li>
 * </ul>
 * Plain {@code http://} endpoints (a server run with {@code --insecure-http}) use no TLS at all.
 */
public final class Trust {
  enum Kind { SYSTEM, PEM, INSECURE }

  private static final Trust SYSTEM = new Trust(Kind.SYSTEM, null);
  private static final Trust INSECURE = new Trust(Kind.INSECURE, null);

  final Kind kind;
  final Path pemFile;

  private Trust(Kind kind, Path pemFile) {
    this.kind = kind;
    this.pemFile = pemFile;
  }

  public static Trust system() {
    return SYSTEM;
  }

  /** Trust the X.509 certificates (CAs or the server's own) in this PEM file, and no others. */
  public static Trust pem(Path pemFile) {
    return new Trust(Kind.PEM, Objects.requireNonNull(pemFile, "pemFile"));
  }

  public static Trust insecure() {
    return INSECURE;
  }

  public boolean isInsecure() {
    return kind == Kind.INSECURE;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case SYSTEM -> "Trust[system]";
      case PEM -> "Trust[pem " + pemFile + "]";
      case INSECURE -> "Trust[insecure]";
    };
  }
}
