package io.vidlog.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.LogCapture;
import io.vidlog.server.support.SignedHttp;
import io.vidlog.server.support.SignedHttp.Spec;
import io.vidlog.server.support.TestServers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;

/**
 * The access log: one line per request on {@code vidlog.access} with client, method and path,
 * status, bytes, time, key and stream and the request id; never a query string, signature or secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessLogIT {
  private static final Pattern LINE = Pattern.compile(
      "INFO vidlog\\.access 127\\.0\\.0\\.1 \"(\\S+) (\\S+)\" (\\d{3}) (\\d+) (\\d+)ms key=(\\S+) stream=(\\S+) rid=(\\S+)");
  VidlogServer server;
  AdminCredentials admin;
  SignedHttp http;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = TestServers.start(dir, Map.of());
    admin = server.admin().credentials();
    http = new SignedHttp(server.url());
    try (KinesisVideoClient kvs = TestServers.adminClient(server)) {
      kvs.createStream(r -> r.streamName("logged-1"));
    }
  }

  @AfterAll
  void stop() {
    server.stop();
  }

  /** The access lines logged for the request with this id. */
  private static List<String> linesOf(LogCapture log, String rid) throws InterruptedException {
    // the line is written when the response ends, which the client may see a moment earlier
    Conditions.await("the access line of request " + rid, () -> !logged(log, rid).isEmpty());
    return logged(log, rid);
  }

  private static List<String> logged(LogCapture log, String rid) {
    return log.lines().stream().filter(l -> l.contains("vidlog.access") && l.endsWith("rid=" + rid)).toList();
  }

  @Test
  void aSignedRequestIsOneLineWithItsKeyAndStream() throws Exception {
    try (LogCapture log = new LogCapture()) {
      String body = "{\"StreamName\":\"logged-1\"}";
      HttpResponse<String> r = http.send(http.sign(Spec.post("/describeStream", body, admin.accessKeyId(),
          admin.secretAccessKey())), body);
      assertEquals(200, r.statusCode());
      String rid = r.headers().firstValue("x-amzn-RequestId").orElseThrow();
      List<String> lines = linesOf(log, rid);
      assertEquals(1, lines.size(), lines.toString());
      var m = LINE.matcher(lines.get(0));
      assertTrue(m.matches(), lines.get(0));
      assertEquals("POST", m.group(1));
      assertEquals("/describeStream", m.group(2));
      assertEquals("200", m.group(3));
      assertEquals(Long.toString(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length), m.group(4));
      assertEquals(admin.accessKeyId(), m.group(6));
      assertEquals("logged-1", m.group(7));
    }
  }

  @Test
  void aRefusedPresignedRequestLogsNeitherItsQueryNorASecret() throws Exception {
    try (LogCapture log = new LogCapture()) {
      String body = "{\"StreamName\":\"logged-1\"}";
      SdkHttpRequest presigned = http.sign(Spec.post("/describeStream", body, admin.accessKeyId(),
          "wrong" + admin.secretAccessKey()).presigned(Duration.ofMinutes(5)));
      HttpResponse<String> r = http.send(presigned, body);
      assertEquals(401, r.statusCode());
      String rid = r.headers().firstValue("x-amzn-RequestId").orElseThrow();
      List<String> lines = linesOf(log, rid);
      assertEquals(1, lines.size(), lines.toString());
      var m = LINE.matcher(lines.get(0));
      assertTrue(m.matches(), lines.get(0));
      assertEquals("401", m.group(3));
      assertEquals(admin.accessKeyId(), m.group(6), "who tried is logged");
      for (String line : log.lines()) {
        assertFalse(line.contains("X-Amz-Signature") || line.contains("X-Amz-Credential") || line.contains("?"),
            "no query string is logged: " + line);
        assertFalse(line.contains(admin.secretAccessKey()), line);
      }
    }
  }

  @Test
  void anUnsignedRequestHasNoKey() throws Exception {
    try (LogCapture log = new LogCapture()) {
      HttpResponse<String> r = http.unsigned("GET", "/health", null, Map.of());
      String rid = r.headers().firstValue("x-amzn-RequestId").orElseThrow();
      var m = LINE.matcher(linesOf(log, rid).get(0));
      assertTrue(m.matches());
      assertEquals("GET", m.group(1));
      assertEquals("/health", m.group(2));
      assertEquals("-", m.group(6));
      assertEquals("-", m.group(7));
    }
  }
}
