package io.vidlog.kvs.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link SigV4Parser} takes for a credential and signed headers, and how much of a request a
 * refusal quotes. Found by SigV4FuzzTest: {@code finding-access-key-id-shape},
 * {@code finding-signed-header-not-a-field-name}, {@code finding-unsigned-header-name-echoed}; its oracle
 * also refuses the lenient dates of {@code regression-amz-date-*}.
 */
class SigV4ParserShapeTest {
  static final String SIGNATURE = "8f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a";

  static RequestView request(String credential, String signedHeaders, Map<String, String> more) {
    Map<String, String> h = new java.util.LinkedHashMap<>(more);
    h.put("host", "127.0.0.1:8443");
    h.put("x-amz-date", "20261122T010000Z");
    h.put("authorization", "AWS4-HMAC-SHA256 Credential=" + credential + ", SignedHeaders=" + signedHeaders
        + ", Signature=" + SIGNATURE);
    return new RequestView("POST", "/putMedia", null, n -> h.containsKey(n) ? List.of(h.get(n)) : List.of(),
        h::keySet);
  }

  static SigV4Auth parse(RequestView view) {
    return SigV4Parser.parse(view, QueryString.parse(null));
  }

  static KvsException refused(RequestView view) {
    KvsException e = assertThrows(KvsException.class, () -> parse(view));
    assertEquals(KvsError.NOT_AUTHORIZED, e.error());
    return e;
  }

  @Test
  void aWellFormedCredentialParses() {
    SigV4Auth auth = parse(request("AKIAIOSFODNN7EXAMPLE/20261122/us-west-2/kinesisvideo/aws4_request",
        "host;x-amz-date;x-amzn-stream-name", Map.of()));
    assertEquals("AKIAIOSFODNN7EXAMPLE", auth.accessKeyId());
    assertEquals(List.of("host", "x-amz-date", "x-amzn-stream-name"), auth.signedHeaders());
    assertEquals("SigV4Auth[AKIAIOSFODNN7EXAMPLE 20261122/us-west-2/kinesisvideo/aws4_request]", auth.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"AKIAIOSFODNN7EXAM$LE", "AKIA\nFORGED-LOG-LINE", "AKIA IOSF", "AKIA\u00e9"})
  void anAccessKeyIdIsLettersAndDigits(String keyId) {
    refused(request(keyId + "/20261122/us-west-2/kinesisvideo/aws4_request", "host;x-amz-date", Map.of()));
  }

  @Test
  void anAccessKeyIdHasAtMost128Characters() {
    parse(request("A".repeat(128) + "/20261122/us-west-2/kinesisvideo/aws4_request", "host;x-amz-date", Map.of()));
    refused(request("A".repeat(129) + "/20261122/us-west-2/kinesisvideo/aws4_request", "host;x-amz-date", Map.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Kinesis Video", "kinesisvideo\n", "KINESISVIDEO"})
  void aServiceIsLowerCaseLettersDigitsAndHyphens(String service) {
    refused(request("AKIAIOSFODNN7EXAMPLE/20261122/us-west-2/" + service + "/aws4_request", "host;x-amz-date",
        Map.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"host;x-amz-date;transfer-encodin\u00e7", "host;x-amz-date;a:b", "host;x-amz-date;a b",
      "host;x-amz-date;a\nb", "host;x-amz-date;", "host;;x-amz-date"})
  void aSignedHeaderIsALowerCaseFieldName(String signedHeaders) {
    refused(request("AKIAIOSFODNN7EXAMPLE/20261122/us-west-2/kinesisvideo/aws4_request", signedHeaders, Map.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"20260230T010000Z", "20261121T240000Z", "20261131T000000Z", "20261121T126000Z"})
  void aRequestDateIsACalendarDateAndTime(String amzDate) {
    Map<String, String> h = Map.of("host", "h", "x-amz-date", amzDate, "authorization", "AWS4-HMAC-SHA256 Credential="
        + "AKIAIOSFODNN7EXAMPLE/" + amzDate.substring(0, 8) + "/us-west-2/kinesisvideo/aws4_request, "
        + "SignedHeaders=host;x-amz-date, Signature=" + SIGNATURE);
    refused(new RequestView("GET", "/", null, n -> h.containsKey(n) ? List.of(h.get(n)) : List.of()));
  }

  @Test
  void anUnsignedHeaderIsNamedInAtMost64Characters() {
    String name = "x-amzn-" + "\u00ff/".repeat(4000);
    RequestView view = request("AKIAIOSFODNN7EXAMPLE/20261122/us-west-2/kinesisvideo/aws4_request",
        "host;x-amz-date", Map.of(name, "v"));
    SigV4Auth auth = parse(view);
    KvsException e = assertThrows(KvsException.class, () -> SignedHeaders.requireCovered(view, auth));
    assertTrue(e.getMessage().startsWith("The header x-amzn-??????"), e.getMessage());
    assertTrue(e.getMessage().length() < 200, e.getMessage().length() + " characters");
    assertFalse(e.getMessage().contains("\u00ff"));
  }
}
