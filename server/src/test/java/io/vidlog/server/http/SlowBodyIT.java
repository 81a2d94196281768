package io.vidlog.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.server.VidlogServer;
import io.vidlog.server.support.TestServers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that drips its JSON body before anyone knows who it is cannot hold a connection: the body
 * must arrive whole within the body timeout on every JSON route, including the ones whose response
 * is a long stream (GetMedia, GetMediaForFragmentList), where no request timeout applies. The idle
 * and request timeouts are set far beyond the test's wait, so only the body deadline can end it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowBodyIT {
  VidlogServer server;
  SSLContext ssl;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = TestServers.start(dir, Map.of("body-timeout", "1s", "idle-timeout", "600s", "request-timeout", "600s",
        "header-timeout", "600s"));
    ssl = SSLContext.getInstance("TLS");
    ssl.init(null, TestServers.TRUST_ALL, new SecureRandom());
  }

  @AfterAll
  void stop() {
    server.stop();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/getMedia", "/getMediaForFragmentList", "/describeStream", "/listFragments"})
  void aDrippedBodyIsAnsweredWith408AndTheConnectionClosed(String path) throws Exception {
    try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      s.setSoTimeout(60_000);
      s.startHandshake();
      OutputStream out = s.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // keep dripping while waiting: each byte is activity, so no idle timeout can end this
      InputStream in = s.getInputStream();
      StringBuilder response = new StringBuilder();
      byte[] buf = new byte[4096];
      int drips = 0;
      s.setSoTimeout(200);
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          if (++drips > 150) {
            throw new AssertionError("still open after 30 s of dripping; got so far: " + response);
          }
          try {
            out.write(' ');
            out.flush();
          } catch (java.io.IOException closed) {
            break; // the server closed its end while we dripped
          }
          continue;
        } catch (java.io.IOException reset) {
          break;
        }
        if (n < 0) {
          break;
        }
        response.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
      assertTrue(response.toString().startsWith("HTTP/1.1 408"), response.toString());
      assertTrue(response.toString().contains("RequestTimeoutException"), response.toString());
      assertEquals(-1, readAfterClose(s), "the server closed the connection");
    }
  }

  private static int readAfterClose(SSLSocket s) {
    try {
      return s.getInputStream().read();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
