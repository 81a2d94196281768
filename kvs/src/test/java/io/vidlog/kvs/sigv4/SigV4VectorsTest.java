package io.vidlog.kvs.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The verifier against AWS's published SigV4 test suite ("aws-sig-v4-test-suite", AWS General
 * Reference; credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z,
 * us-east-1, service "service"): each published Authorization header must verify, and the same
 * request with one bit of it changed must not.
 */
class SigV4VectorsTest {
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  static final Instant WHEN = Instant.parse("2015-08-30T12:36:00Z");
  static final SigV4Verifier VERIFIER = new SigV4Verifier("service");

  record Vector(String name, String method, String target, Map<String, List<String>> headers, String body,
      String signedHeaders, String signature) {}

  static Stream<Arguments> vectors() {
    return Stream.of(
        v("get-vanilla", "GET", "/", Map.of(), "", "host;x-amz-date",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        v("get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", Map.of(), "",
            "host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
        v("get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", Map.of(), "", "host;x-amz-date",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        v("get-vanilla-query-order-value", "GET", "/?Param1=value2&Param1=value1", Map.of(), "", "host;x-amz-date",
            "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"),
        v("get-vanilla-utf8-query", "GET", "/?%E1%88%B4=bar", Map.of(), "", "host;x-amz-date",
            "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
        v("get-header-value-order", "GET", "/", Map.of("my-header1", List.of("value4", "value1", "value3", "value2")),
            "", "host;my-header1;x-amz-date", "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"),
        v("get-header-key-duplicate", "GET", "/", Map.of("my-header1", List.of("value2", "value2", "value1")), "",
            "host;my-header1;x-amz-date", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
        v("get-header-value-trim", "GET", "/", Map.of("my-header1", List.of(" value1"), "my-header2",
            List.of("\"a   b   c\"")), "", "host;my-header1;my-header2;x-amz-date",
            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        v("post-x-www-form-urlencoded", "POST", "/", Map.of("content-type", List.of("application/x-www-form-urlencoded")),
            "Param1=value1", "content-type;host;x-amz-date",
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
  }

  private static Arguments v(String name, String method, String target, Map<String, List<String>> headers, String body,
      String signed, String signature) {
    return Arguments.of(new Vector(name, method, target, headers, body, signed, signature));
  }

  static RequestView view(Vector v, String authorization) {
    Map<String, List<String>> h = new LinkedHashMap<>(v.headers());
    h.put("host", List.of("example.amazonaws.com"));
    h.put("x-amz-date", List.of("20150830T123600Z"));
    h.put("authorization", List.of(authorization));
    int q = v.target().indexOf('?');
    String path = q < 0 ? v.target() : v.target().substring(0, q);
    String query = q < 0 ? null : v.target().substring(q + 1);
    return new RequestView(v.method(), path, query, name -> h.getOrDefault(name, List.of()));
  }

  static String authorization(Vector v, String signature) {
    return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders="
        + v.signedHeaders() + ", Signature=" + signature;
  }

  static boolean verifies(Vector v, String signature, String secret, String body) {
    RequestView view = view(v, authorization(v, signature));
    SigV4Auth auth = SigV4Parser.parse(view, QueryString.parse(view.rawQuery()));
    VERIFIER.checkScopeAndTime(auth, WHEN);
    String hash = SigV4.sha256Hex(body.getBytes(StandardCharsets.UTF_8));
    return VERIFIER.matches(view, auth, secret, List.of(hash));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void publishedSignatureVerifies(Vector v) {
    assertTrue(verifies(v, v.signature(), SECRET, v.body()), v.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void anyChangeBreaksIt(Vector v) {
    char[] sig = v.signature().toCharArray();
    sig[10] = sig[10] == '0' ? '1' : '0';
    assertFalse(verifies(v, new String(sig), SECRET, v.body()), "flipped signature digit");
    assertFalse(verifies(v, v.signature(), SECRET.replace('K', 'k'), v.body()), "wrong secret");
    assertFalse(verifies(v, v.signature(), SECRET, v.body() + " "), "different body");
    Vector otherPath = new Vector(v.name(), v.method(), v.target().replaceFirst("^/", "/x"), v.headers(), v.body(),
        v.signedHeaders(), v.signature());
    assertFalse(verifies(otherPath, v.signature(), SECRET, v.body()), "different path");
  }

  @Test
  void canonicalRequestOfQueryOrderVectorIsThePublishedOne() {
    Vector v = (Vector) vectors().skip(2).findFirst().orElseThrow().get()[0];
    RequestView view = view(v, authorization(v, v.signature()));
    String creq = CanonicalRequest.build(view, List.of("host", "x-amz-date"), SigV4.EMPTY_SHA256, null);
    assertEquals("GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
        + "host;x-amz-date\n" + SigV4.EMPTY_SHA256, creq);
    assertEquals("816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
        SigV4.sha256Hex(creq.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void clockSkewBeyondFifteenMinutesIsRefused() {
    Vector v = (Vector) vectors().findFirst().orElseThrow().get()[0];
    RequestView view = view(v, authorization(v, v.signature()));
    SigV4Auth auth = SigV4Parser.parse(view, QueryString.parse(null));
    VERIFIER.checkScopeAndTime(auth, WHEN.plusSeconds(15 * 60));
    VERIFIER.checkScopeAndTime(auth, WHEN.minusSeconds(15 * 60));
    for (Instant bad : List.of(WHEN.plusSeconds(15 * 60 + 1), WHEN.minusSeconds(15 * 60 + 1))) {
      KvsException e = assertThrows(KvsException.class, () -> VERIFIER.checkScopeAndTime(auth, bad));
      assertEquals(KvsError.NOT_AUTHORIZED, e.error());
    }
  }

  @Test
  void wrongServiceIsRefused() {
    Vector v = (Vector) vectors().findFirst().orElseThrow().get()[0];
    RequestView view = view(v, authorization(v, v.signature()));
    SigV4Auth auth = SigV4Parser.parse(view, QueryString.parse(null));
    assertThrows(KvsException.class, () -> new SigV4Verifier().checkScopeAndTime(auth, WHEN));
  }

  @Test
  void malformedAuthorizationHeadersAreNotAuthorizedAndNeverEchoTheSignature() {
    List<String> bad = new ArrayList<>(List.of(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015083/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "a".repeat(64),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=x-amz-date, Signature=" + "a".repeat(64),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature=" + "a".repeat(64),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150831/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "a".repeat(64),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=SECRETSIG" + "a".repeat(55),
        "Basic QUtJRDpzZWNyZXQ="));
    Vector v = (Vector) vectors().findFirst().orElseThrow().get()[0];
    for (String authz : bad) {
      RequestView view = view(v, authz);
      KvsException e = assertThrows(KvsException.class, () -> SigV4Parser.parse(view, QueryString.parse(null)), authz);
      assertEquals(KvsError.NOT_AUTHORIZED, e.error());
      assertFalse(e.getMessage().contains("SECRETSIG") || e.getMessage().contains("aaaaaaaa"), e.getMessage());
    }
  }
}
