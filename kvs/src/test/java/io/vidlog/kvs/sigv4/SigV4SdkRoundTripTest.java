package io.vidlog.kvs.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.kvs.KvsException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Round trips against the AWS SDK for Java v2's own signer ({@code AwsV4HttpSigner}): what it signs,
 * in header and presigned form, with signed and unsigned payloads, any region, odd paths and query
 * strings, must verify; the same request with another secret, body, path or query must not.
 */
class SigV4SdkRoundTripTest {
  static final String ID = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  static final Instant NOW = Instant.parse("2026-11-22T01:00:00Z");
  final SigV4Verifier verifier = new SigV4Verifier();

  static SdkHttpFullRequest request(SdkHttpMethod method, String path, Map<String, String> query) {
    SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().method(method).protocol("https")
        .host("127.0.0.1").port(8443).encodedPath(path)
        .putHeader("Content-Type", "application/json").putHeader("User-Agent", "round-trip-test");
    query.forEach(b::putRawQueryParameter);
    return b.build();
  }

  static SdkHttpRequest sign(SdkHttpFullRequest req, String body, String region, boolean payloadSigning,
      boolean presign) {
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> {
      r.identity(AwsCredentialsIdentity.create(ID, SECRET)).request(req)
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesisvideo")
          .putProperty(AwsV4HttpSigner.REGION_NAME, region)
          .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC))
          .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, payloadSigning);
      if (body != null) {
        r.payload(ContentStreamProvider.fromUtf8String(body));
      }
      if (presign) {
        r.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
            .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(5));
      }
    });
    return signed.request();
  }

  /** The signed request as the server sees it; {@code host} as the client sent it. */
  static RequestView view(SdkHttpRequest r) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    r.headers().forEach((k, v) -> headers.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
    headers.putIfAbsent("host", List.of(r.host() + ":" + r.port()));
    return new RequestView(r.method().name(), r.encodedPath(), r.encodedQueryParameters().orElse(null),
        n -> headers.getOrDefault(n, List.of()));
  }

  boolean verifies(RequestView view, String secret, String body, Instant at) {
    return verifies(view, secret, body, at, false);
  }

  boolean verifies(RequestView view, String secret, String body, Instant at, boolean streaming) {
    QueryString q = QueryString.parse(view.rawQuery());
    SigV4Auth auth = SigV4Parser.parse(view, q);
    verifier.checkScopeAndTime(auth, at);
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    List<String> hashes;
    try {
      hashes = PayloadHashes.candidates(view.header("x-amz-content-sha256"), streaming ? null : bytes, auth.presigned());
    } catch (KvsException e) {
      return false; // declared hash does not match the body
    }
    return verifier.matches(view, auth, secret, hashes);
  }

  @Test
  void jsonPostInAnyRegion() {
    String body = "{\"StreamName\":\"cam-1\"}";
    for (String region : List.of("us-east-1", "eu-central-1", "vidlog-local")) {
      SdkHttpRequest signed = sign(request(SdkHttpMethod.POST, "/createStream", Map.of()), body, region, true, false);
      assertTrue(verifies(view(signed), SECRET, body, NOW), region + " " + signed.headers());
      assertFalse(verifies(view(signed), SECRET.substring(1) + "x", body, NOW), "wrong secret");
      assertFalse(verifies(view(signed), SECRET, body.replace("cam-1", "cam-2"), NOW), "other body " + signed.headers());
    }
  }

  @Test
  void oddPathsAndQueries() {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("SessionToken", "CiA+/x=y z");
    query.put("b", "2");
    query.put("a", "");
    for (String path : List.of("/hls/v1/getHLSMasterPlaylist.m3u8", "/a%20b/c~d", "/x/./y/../z", "/")) {
      SdkHttpRequest signed = sign(request(SdkHttpMethod.GET, path, query), null, "us-west-2", true, false);
      assertTrue(verifies(view(signed), SECRET, null, NOW), path);
      SdkHttpRequest other = sign(request(SdkHttpMethod.GET, path, Map.of("b", "3")), null, "us-west-2", true, false);
      RequestView tampered = new RequestView("GET", signed.encodedPath(), other.encodedQueryParameters().orElse(null),
          view(signed).headers());
      assertFalse(verifies(tampered, SECRET, null, NOW), "other query on " + path);
    }
  }

  @Test
  void presignedUrlsVerifyUntilTheyExpire() {
    SdkHttpRequest signed = sign(request(SdkHttpMethod.GET, "/getMedia", Map.of("x", "1")), null, "us-west-2", true,
        true);
    assertTrue(signed.encodedQueryParameters().orElse("").contains("X-Amz-Signature="));
    RequestView view = view(signed);
    assertTrue(verifies(view, SECRET, null, NOW));
    assertTrue(verifies(view, SECRET, null, NOW.plusSeconds(299)));
    assertThrows(KvsException.class, () -> verifies(view, SECRET, null, NOW.plusSeconds(301)));
    assertThrows(KvsException.class, () -> verifies(view, SECRET, null, NOW.minusSeconds(16 * 60)));
    RequestView otherPath = new RequestView("GET", "/getMedia2", view.rawQuery(), view.headers());
    assertFalse(verifies(otherPath, SECRET, null, NOW));
  }

  @Test
  void unsignedPayloadAsStreamingClientsSend() {
    SdkHttpRequest signed = sign(request(SdkHttpMethod.POST, "/putMedia", Map.of()), "raw mkv bytes", "us-west-2",
        false, false);
    RequestView view = view(signed);
    assertEquals(SigV4.UNSIGNED_PAYLOAD, view.header("x-amz-content-sha256"));
    assertTrue(verifies(view, SECRET, "any body at all", NOW, true));
  }
}
