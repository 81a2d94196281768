package io.vidlog.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.support.LogCapture;
import io.vidlog.server.support.SignedHttp;
import io.vidlog.server.support.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Body, header and connection limits and the slowloris cut-off, over real TLS sockets. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtectionIT {
  VidlogServer server;
  SignedHttp http;
  SSLContext ssl;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = TestServers.start(dir, Map.of("max-json-body", "1KB", "max-header-size", "4KB", "max-headers", "20",
        "header-timeout", "1s", "max-connections-per-ip", "4"));
    http = new SignedHttp(server.url());
    ssl = SSLContext.getInstance("TLS");
    ssl.init(null, TestServers.TRUST_ALL, new SecureRandom());
  }

  @AfterAll
  void stop() {
    server.stop();
  }

  /** An AWS-style error: the status, the type in the header and the body, and the message a client shows. */
  private static void assertAwsError(HttpResponse<String> r, int status, String type, String message) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(type, r.headers().firstValue("x-amzn-ErrorType").orElse(null), r.headers().toString());
    assertTrue(r.headers().firstValue("x-amzn-RequestId").isPresent(), r.headers().toString());
    JsonObject body = new JsonObject(r.body());
    assertEquals(type, body.getString("__type"), r.body());
    assertEquals(message, body.getString("Message"), r.body());
  }

  @Test
  void jsonBodiesAreLimited() throws Exception {
    String big = "{\"StreamName\":\"" + "a".repeat(2048) + "\"}";
    try (SSLSocket s = connect()) {
      // the whole request is written before the response is read: an early 413 cannot race the upload
      OutputStream out = s.getOutputStream();
      out.write(("POST /createStream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + big.length() + "\r\nConnection: close\r\n\r\n" + big).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = readAll(s.getInputStream());
      assertTrue(response.startsWith("HTTP/1.1 413"), response);
      assertTrue(response.contains("x-amzn-ErrorType: InvalidArgumentException"), response);
      assertTrue(response.contains("x-amzn-RequestId: "), response);
    }
  }

  @Test
  void headerCountIsLimited() throws Exception {
    Map<String, List<String>> many = new java.util.HashMap<>();
    for (int i = 0; i < 30; i++) {
      many.put("x-extra-" + i, List.of("v"));
    }
    assertAwsError(http.unsigned("POST", "/describeStream", "{}", many), 400, "InvalidArgumentException",
        "The request has more than 20 headers");
  }

  private SSLSocket connect() throws IOException {
    SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", server.port());
    s.setSoTimeout(30_000);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    s.startHandshake();
    return s;
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void oversizedHeadersAreAnsweredAwsStyle() throws Exception {
    try (SSLSocket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(8192) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = readAll(s.getInputStream());
      assertTrue(response.startsWith("HTTP/1.1 431"), response);
      assertTrue(response.contains("x-amzn-ErrorType: InvalidArgumentException"), response);
    }
  }

  @Test
  void slowlorisIsCutOff() throws Exception {
    try (SSLSocket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write("POST /describeStream HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // trickle one header line at a time, never finishing the head, until the server hangs up
      boolean cut = false;
      for (int i = 0; i < 200 && !cut; i++) {
        try {
          out.write(("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          s.setSoTimeout(250);
          cut = s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
          // still open: keep trickling
        } catch (IOException e) {
          cut = true;
        }
      }
      assertTrue(cut, "the server kept a never-finishing request head open");
    }
  }

  /** A dedicated server, so no other test's pooled connections count against the limit. */
  @Test
  void connectionsPerClientAreLimited(@TempDir Path dir) throws Exception {
    VidlogServer limited = TestServers.start(dir, Map.of("max-connections-per-ip", "3"));
    try (LogCapture log = new LogCapture()) {
      assertEquals(3, served(limited, List.of("127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1",
          "127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1")), "served");
      // seven refusals: the log says so without a line each (rate-limited; the interval is 10 s)
      List<String> lines = refusals(log);
      assertTrue(!lines.isEmpty() && lines.size() < 7, lines::toString);
    } finally {
      limited.stop();
    }
  }

  @Test
  void connectionsToTheWholeServerAreLimited(@TempDir Path dir) throws Exception {
    VidlogServer limited = TestServers.start(dir, Map.of("max-connections", "3", "max-connections-per-ip", "2"));
    try {
      // five connections from three loopback addresses: no client exceeds its 2, the server its 3
      assertEquals(3, served(limited, List.of("127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3", "127.0.0.4")));
    } finally {
      limited.stop();
    }
  }

  private static List<String> refusals(LogCapture log) {
    return log.lines().stream().filter(l -> l.contains("ConnectionGuard") && l.contains("closing connection")).toList();
  }

  /**
   * Opens a connection from each of {@code from} (local addresses), then asks each for /health;
   * returns how many were served. The others must have been closed by the server.
   */
  private int served(VidlogServer target, List<String> from) throws Exception {
    List<SSLSocket> open = new ArrayList<>();
    try {
      for (String local : from) {
        java.net.Socket plain = new java.net.Socket();
        plain.bind(new java.net.InetSocketAddress(local, 0));
        plain.connect(new java.net.InetSocketAddress("127.0.0.1", target.port()), 10_000);
        SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket(plain, "127.0.0.1", target.port(), true);
        s.setSoTimeout(30_000);
        open.add(s);
        try {
          s.startHandshake();
        } catch (IOException e) {
          // already closed by the server: counted as refused below
        }
      }
      // the server sees the connections in any order across its event loops: count, don't pick
      int served = 0;
      for (SSLSocket s : open) {
        try {
          s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          if (s.getInputStream().read() == 'H') {
            served++;
          }
        } catch (IOException e) {
          // refused
        }
      }
      return served;
    } finally {
      for (SSLSocket s : open) {
        s.close();
      }
    }
  }

  /** A client that hangs up mid-body did nothing wrong on the server's side: no ERROR, no "internal failure". */
  @Test
  void aClientLeavingMidBodyIsNotAnInternalFailure() throws Exception {
    try (LogCapture log = new LogCapture()) {
      try (SSLSocket s = connect()) {
        OutputStream out = s.getOutputStream();
        out.write(("POST /createStream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 500\r\n\r\n{\"StreamName\":").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      // the failure handler's verdict on that request, whichever it is
      Conditions.await("the failure handler logged its verdict on the request", () -> !verdict(log).isEmpty());
      List<String> verdict = verdict(log);
      assertEquals(1, verdict.size(), verdict::toString);
      assertTrue(verdict.get(0).startsWith("DEBUG ") && verdict.get(0).contains("client went away"), verdict::toString);
      assertTrue(log.lines().stream().noneMatch(l -> l.startsWith("ERROR ")), log.lines()::toString);
    }
  }

  private static List<String> verdict(LogCapture log) {
    return log.lines().stream().filter(l -> l.contains("FailureHandler") && l.contains("/createStream")).toList();
  }

  @Test
  void unknownPathsAreAwsErrorsNot404Pages() throws Exception {
    assertAwsError(http.unsigned("GET", "/nope", null, Map.of()), 400, "UnsupportedOperationException",
        "vidlog does not implement GET /nope");
    assertAwsError(http.unsigned("POST", "/describeEdgeConfiguration", "{}", Map.of()), 400,
        "UnsupportedOperationException", "vidlog does not implement POST /describeEdgeConfiguration");
  }
}
