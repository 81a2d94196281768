package io.vidlog.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.LogCapture;
import io.vidlog.server.support.SignedHttp;
import io.vidlog.server.support.SignedHttp.Spec;
import io.vidlog.server.support.TestServers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesisvideo.model.NotAuthorizedException;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceNotFoundException;

/**
 * Requests that must be refused, each with the AWS error type a KVS client expects, over a real
 * HTTPS server; every log line the server wrote meanwhile is checked for secrets and signatures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {
  static final String DESCRIBE = "{\"StreamName\":\"cam-1\"}";
  VidlogServer server;
  AdminCredentials admin;
  SignedHttp http;
  LogCapture logs;
  final List<String> secrets = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    logs = new LogCapture();
    server = TestServers.start(dir, Map.of());
    admin = server.admin().credentials();
    secrets.add(admin.secretAccessKey());
    http = new SignedHttp(server.url());
    try (KinesisVideoClient kvs = TestServers.adminClient(server)) {
      kvs.createStream(r -> r.streamName("cam-1"));
      kvs.createStream(r -> r.streamName("other-1"));
    }
  }

  @AfterAll
  void stop() {
    server.stop();
    List<String> lines = logs.lines();
    logs.close();
    assertFalse(lines.isEmpty(), "the server logged nothing: the capture is not working");
    for (String line : lines) {
      for (String secret : secrets) {
        assertFalse(line.contains(secret), "a secret or signature was logged: " + line);
      }
      assertFalse(line.toLowerCase().contains("signature=") || line.contains("X-Amz-Signature"),
          "a signature was logged: " + line);
    }
  }

  private void assertRefused(HttpResponse<String> r, int status, String type) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(type, r.headers().firstValue("x-amzn-ErrorType").orElse(null), r.body());
    assertNotNull(r.headers().firstValue("x-amzn-RequestId").orElse(null));
    JsonObject body = new JsonObject(r.body());
    assertEquals(type, body.getString("__type"));
    assertNotNull(body.getString("Message"));
  }

  private Spec describe() {
    return Spec.post("/describeStream", DESCRIBE, admin.accessKeyId(), admin.secretAccessKey());
  }

  private void remember(SdkHttpRequest signed) {
    signed.firstMatchingHeader("Authorization").ifPresent(a -> secrets.add(a.substring(a.indexOf("Signature=") + 10)));
    signed.firstMatchingRawQueryParameter("X-Amz-Signature").ifPresent(secrets::add);
  }

  @Test
  void theAdminKeyWorks() throws Exception {
    SdkHttpRequest signed = http.sign(describe());
    remember(signed);
    HttpResponse<String> r = http.send(signed, DESCRIBE);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("cam-1", new JsonObject(r.body()).getJsonObject("StreamInfo").getString("StreamName"));
  }

  @Test
  void noSignature() throws Exception {
    assertRefused(http.unsigned("POST", "/describeStream", DESCRIBE, Map.of()), 401, "NotAuthorizedException");
  }

  /**
   * The secret with its first character changed. Secrets are random Base64, so a fixed replacement
   * character is the secret's own first character once in 64 runs, and the "wrong" secret is right.
   */
  static String otherSecret(String secret) {
    return (secret.charAt(0) == 'x' ? "y" : "x") + secret.substring(1);
  }

  @Test
  void wrongSecret() throws Exception {
    SdkHttpRequest signed = http.sign(Spec.post("/describeStream", DESCRIBE, admin.accessKeyId(),
        otherSecret(admin.secretAccessKey())));
    remember(signed);
    assertRefused(http.send(signed, DESCRIBE), 401, "NotAuthorizedException");
    try (KinesisVideoClient kvs = TestServers.client(server.url(), admin.accessKeyId(), "wrong-secret-0123456789")) {
      assertThrows(NotAuthorizedException.class, () -> kvs.describeStream(r -> r.streamName("cam-1")));
    }
  }

  @Test
  void unknownAccessKey() throws Exception {
    SdkHttpRequest signed = http.sign(Spec.post("/describeStream", DESCRIBE, "AKIAUNKNOWNKEY000000",
        admin.secretAccessKey()));
    remember(signed);
    assertRefused(http.send(signed, DESCRIBE), 401, "NotAuthorizedException");
  }

  @Test
  void signatureOverAnotherBody() throws Exception {
    SdkHttpRequest signed = http.sign(describe());
    remember(signed);
    assertRefused(http.send(signed, "{\"StreamName\":\"other-1\"}"), 401, "NotAuthorizedException");
    // and with the payload-hash header removed, so only the signature can tell
    SdkHttpRequest noHash = signed.toBuilder().removeHeader("x-amz-content-sha256").build();
    assertRefused(http.send(noHash, "{\"StreamName\":\"other-1\"}"), 401, "NotAuthorizedException");
  }

  @Test
  void signatureOverAnotherPathOrQuery() throws Exception {
    SdkHttpRequest signed = http.sign(describe());
    remember(signed);
    assertRefused(http.send(signed, "POST", "/listStreams", null, DESCRIBE), 401, "NotAuthorizedException");
    SdkHttpRequest withQuery = http.sign(describe().withQuery(Map.of("a", "1")));
    remember(withQuery);
    assertEquals(200, http.send(withQuery, DESCRIBE).statusCode());
    assertRefused(http.send(withQuery, "POST", "/describeStream", "a=2", DESCRIBE), 401, "NotAuthorizedException");
  }

  @Test
  void staleOrFutureDate() throws Exception {
    for (Duration skew : List.of(Duration.ofMinutes(-16), Duration.ofMinutes(16))) {
      SdkHttpRequest signed = http.sign(describe().withClock(Clock.offset(Clock.systemUTC(), skew)));
      remember(signed);
      assertRefused(http.send(signed, DESCRIBE), 401, "NotAuthorizedException");
    }
    SdkHttpRequest ok = http.sign(describe().withClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10))));
    remember(ok);
    assertEquals(200, http.send(ok, DESCRIBE).statusCode(), "10 minutes of skew are within the window");
  }

  @Test
  void presignedUrlPastItsExpiry() throws Exception {
    Spec fresh = describe().presigned(Duration.ofMinutes(5));
    SdkHttpRequest good = http.sign(fresh);
    remember(good);
    assertEquals(200, http.send(good, DESCRIBE).statusCode(), "a fresh presigned request works");
    SdkHttpRequest old = http.sign(fresh.withClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-6))));
    remember(old);
    HttpResponse<String> r = http.send(old, DESCRIBE);
    assertRefused(r, 401, "NotAuthorizedException");
    String rid = r.headers().firstValue("x-amzn-RequestId").orElseThrow();
    assertFalse(r.body().contains("expired"), "why a request was refused is not the caller's to know: " + r.body());
    assertTrue(logs.lines().stream().anyMatch(l -> l.contains(rid) && l.contains("expired")),
        "the reason is in the server log under the request id");
  }

  /** A presigned URL binds its body: used with another JSON body (another stream) it is refused. */
  @Test
  void presignedUrlBindsItsBody() throws Exception {
    SdkHttpRequest presigned = http.sign(describe().presigned(Duration.ofMinutes(5)));
    remember(presigned);
    assertEquals(200, http.send(presigned, DESCRIBE).statusCode());
    assertRefused(http.send(presigned, "{\"StreamName\":\"other-1\"}"), 401, "NotAuthorizedException");
  }

  /** UNSIGNED-PAYLOAD is for PutMedia's stream only: a JSON API signed that way is refused, presigned or not. */
  @Test
  void unsignedPayloadIsRefusedOnJsonApis() throws Exception {
    for (boolean presign : new boolean[] {false, true}) {
      Spec spec = describe().unsignedPayload();
      SdkHttpRequest signed = http.sign(presign ? spec.presigned(Duration.ofMinutes(5)) : spec);
      remember(signed);
      assertTrue(signed.firstMatchingHeader("x-amz-content-sha256").map("UNSIGNED-PAYLOAD"::equals).orElse(presign)
          || signed.rawQueryParameters().containsKey("X-Amz-Signature"), "the request is signed as unsigned");
      assertRefused(http.send(signed, DESCRIBE), 401, "NotAuthorizedException");
    }
  }

  /**
   * What AWS's C producer SDK sends: content-type and x-amz-security-token present but unsigned (its
   * signer leaves them out on purpose). Every call of the stock SDK was refused while content-type
   * had to be signed.
   */
  @Test
  void theCProducerSdksUnsignedContentTypeAndTokenAreAccepted() throws Exception {
    SdkHttpRequest signed = http.signLikeTheCProducerSdk("/describeStream", DESCRIBE, admin.accessKeyId(),
        admin.secretAccessKey());
    remember(signed);
    assertFalse(signed.firstMatchingHeader("Authorization").orElseThrow().contains("content-type"));
    HttpResponse<String> r = http.send(signed, "POST", "/describeStream", null, DESCRIBE,
        Map.of("content-type", "application/json", "x-amz-security-token", "unused-session-token"));
    assertEquals(200, r.statusCode(), r.body());
  }

  /**
   * A signature must cover the x-amz-* / x-amzn-* headers sent: a PutMedia header signature over host
   * and x-amz-date only, replayed with a stream-name header, is refused.
   */
  @Test
  void headersThatCarryMeaningMustBeSigned() throws Exception {
    SdkHttpRequest bare = http.signHeaders("POST", "/putMedia", Map.of(), admin.accessKeyId(), admin.secretAccessKey());
    remember(bare);
    HttpResponse<String> r = http.send(bare, "POST", "/putMedia", null, "E".repeat(16),
        Map.of("x-amzn-stream-name", "cam-1"));
    assertRefused(r, 401, "NotAuthorizedException");
    String rid = r.headers().firstValue("x-amzn-RequestId").orElseThrow();
    assertTrue(logs.lines().stream().anyMatch(l -> l.contains(rid) && l.contains("x-amzn-stream-name")),
        "the log names the unsigned header");
    SdkHttpRequest covered = http.signHeaders("POST", "/putMedia", Map.of("x-amzn-stream-name", "cam-1"),
        admin.accessKeyId(), admin.secretAccessKey());
    remember(covered);
    HttpResponse<String> ok = http.send(covered, "POST", "/putMedia", null, "E".repeat(16), Map.of());
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(ok.body().contains("\"ErrorId\":4006"), "the garbage body reached ingest: " + ok.body());
  }

  @Test
  void revokedKey() throws Exception {
    AccessKeyStore keys = server.accessKeys();
    AccessKeyStore.Resolved k = keys.create("temp", new Policy(false, Set.of("*"), List.of("*"))).await();
    secrets.add(k.secret());
    SdkHttpRequest signed = http.sign(Spec.post("/describeStream", DESCRIBE, k.key().id(), k.secret()));
    remember(signed);
    assertEquals(200, http.send(signed, DESCRIBE).statusCode());
    assertTrue(keys.revoke(k.key().id()).await());
    SdkHttpRequest again = http.sign(Spec.post("/describeStream", DESCRIBE, k.key().id(), k.secret()));
    remember(again);
    assertRefused(http.send(again, DESCRIBE), 401, "NotAuthorizedException");
  }

  @Test
  void policyWithoutTheAction() throws Exception {
    AccessKeyStore.Resolved k = server.accessKeys().create("reader",
        new Policy(false, Set.of("DescribeStream", "ListStreams"), List.of("*"))).await();
    secrets.add(k.secret());
    try (KinesisVideoClient kvs = TestServers.client(server.url(), k.key().id(), k.secret())) {
      assertEquals("cam-1", kvs.describeStream(r -> r.streamName("cam-1")).streamInfo().streamName());
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> kvs.createStream(r -> r.streamName("new-1")));
      assertEquals(401, e.statusCode());
      assertThrows(AccessDeniedException.class, () -> kvs.deleteStream(r -> r.streamARN(
          "arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam-1/1")));
    }
  }

  @Test
  void policyWithoutTheStreamLeaksNothing() throws Exception {
    AccessKeyStore.Resolved k = server.accessKeys().create("cams",
        new Policy(false, Set.of("*"), List.of("cam-*"))).await();
    secrets.add(k.secret());
    try (KinesisVideoClient kvs = TestServers.client(server.url(), k.key().id(), k.secret())) {
      kvs.describeStream(r -> r.streamName("cam-1"));
      AccessDeniedException existing = assertThrows(AccessDeniedException.class,
          () -> kvs.describeStream(r -> r.streamName("other-1")));
      AccessDeniedException missing = assertThrows(AccessDeniedException.class,
          () -> kvs.describeStream(r -> r.streamName("other-404")));
      assertEquals(existing.getMessage().replace("other-1", "X").replaceAll("Request ID: [^)]*", ""),
          missing.getMessage().replace("other-404", "X").replaceAll("Request ID: [^)]*", ""));
      assertThrows(ResourceNotFoundException.class, () -> kvs.describeStream(r -> r.streamName("cam-404")));
      List<String> listed = new ArrayList<>();
      kvs.listStreams(r -> { }).streamInfoList().forEach(s -> listed.add(s.streamName()));
      assertTrue(listed.contains("cam-1") && !listed.contains("other-1"), listed.toString());
    }
  }

  /**
   * /putMedia (no BodyHandler): a header signature over the STREAMING-AWS4-HMAC-SHA256-PAYLOAD
   * literal with a raw body passes authentication (ingest then answers the bytes, which are not MKV,
   * with an ERROR ack), a wrong secret does not.
   */
  @Test
  void streamingPayloadLiteralOnPutMedia() throws Exception {
    SdkHttpRequest signed = http.signStreaming(admin.accessKeyId(), admin.secretAccessKey());
    remember(signed);
    assertEquals("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", signed.firstMatchingHeader("x-amz-content-sha256").orElse(null));
    // the signer signed the aws-chunked length; send that many raw bytes (no chunk framing, as AWS's
    // Java PutMedia client does), so the signed content-length header stays true
    int length = Integer.parseInt(signed.firstMatchingHeader("Content-Length").orElseThrow());
    String raw = "E".repeat(length);
    HttpResponse<String> ok = http.send(signed, "POST", "/putMedia", null, raw);
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(ok.body().contains("\"ErrorId\":4006"), "authenticated, then refused by ingest as not MKV: " + ok.body());
    SdkHttpRequest bad = http.signStreaming(admin.accessKeyId(), otherSecret(admin.secretAccessKey()));
    remember(bad);
    assertRefused(http.send(bad, "POST", "/putMedia", null, raw), 401, "NotAuthorizedException");
  }

  @Test
  void healthIsOpenMetricsAreNot() throws Exception {
    HttpResponse<String> h = http.unsigned("GET", "/health", null, Map.of());
    assertEquals(200, h.statusCode());
    assertEquals("UP", new JsonObject(h.body()).getString("status"));
    assertRefused(http.unsigned("GET", "/metrics", null, Map.of()), 401, "NotAuthorizedException");
    AccessKeyStore.Resolved k = server.accessKeys().create("not-admin",
        new Policy(false, Set.of("*"), List.of("*"))).await();
    secrets.add(k.secret());
    Spec metrics = new Spec("GET", "/metrics", Map.of(), null, k.key().id(), k.secret(), Clock.systemUTC(), null);
    SdkHttpRequest signed = http.sign(metrics);
    remember(signed);
    assertRefused(http.send(signed, null), 401, "AccessDeniedException");
    SdkHttpRequest asAdmin = http.sign(new Spec("GET", "/metrics", Map.of(), null, admin.accessKeyId(),
        admin.secretAccessKey(), Clock.systemUTC(), null));
    remember(asAdmin);
    HttpResponse<String> m = http.send(asAdmin, null);
    assertEquals(200, m.statusCode());
    assertTrue(m.body().contains("vidlog_http_requests_seconds_count{api=\"/describeStream\""), m.body());
    assertTrue(m.body().contains("vidlog_store_up{backend=\"fs\"}"), m.body());
  }
}
