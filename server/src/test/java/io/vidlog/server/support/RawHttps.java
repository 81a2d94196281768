package io.vidlog.server.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * One HTTP/1.1 request over TLS written byte for byte, for what higher-level clients will not send
 * (a {@code Host} header without the port the client connected to, as the KVS C SDK sends it).
 */
public final class RawHttps {
  private RawHttps() {}

  /**
   * Sends {@code signed} (its method, path and headers, {@code Host} included) with {@code body} to
   * 127.0.0.1:{@code port} and returns the whole response, read until the server closes.
   */
  public static String exchange(int port, SdkHttpRequest signed, String body) throws IOException {
    SSLContext ssl;
    try {
      ssl = SSLContext.getInstance("TLS");
      ssl.init(null, TestServers.TRUST_ALL, new SecureRandom());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    byte[] payload = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(signed.method().name() + " " + signed.encodedPath() + " HTTP/1.1\r\n");
    if (signed.firstMatchingHeader("Host").isEmpty()) {
      head.append("Host: ").append(signed.host()).append("\r\n");
    }
    signed.forEachHeader((name, values) -> values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n")));
    head.append("Content-Length: ").append(payload.length).append("\r\nConnection: close\r\n\r\n");
    try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(payload);
      out.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
