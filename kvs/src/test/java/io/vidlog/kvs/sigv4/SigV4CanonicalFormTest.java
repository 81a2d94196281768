package io.vidlog.kvs.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The canonical request agrees with AWS's signers where SigV4FuzzTest found it did not: header values
 * are "trimmed all" on SigV4's white space ({@code finding-tab-in-header-value}), and paths lose empty
 * segments and keep a trailing slash only where one was sent ({@code finding-empty-path-segment}).
 */
class SigV4CanonicalFormTest {
  private final SigV4SdkRoundTripTest roundTrip = new SigV4SdkRoundTripTest();

  @Test
  void headerValuesAreTrimmedAllOnSigV4WhiteSpace() {
    assertEquals("a b c", CanonicalRequest.canonicalHeaderValue(List.of(" \ta \t\u000b b\f\r\nc\t ")));
    assertEquals("a,,b c", CanonicalRequest.canonicalHeaderValue(List.of("a", " ", "b   c")));
    // white space to Java, not to SigV4
    assertEquals("\u001ca\u00a0b", CanonicalRequest.canonicalHeaderValue(List.of("\u001ca\u00a0b")));
  }

  @Test
  void aTabInASignedHeaderValueVerifies() {
    SdkHttpFullRequest req = SigV4SdkRoundTripTest.request(SdkHttpMethod.POST, "/putMedia", Map.of()).toBuilder()
        .putHeader("x-amzn-stream-name", "cam\t 1").build();
    SdkHttpRequest signed = SigV4SdkRoundTripTest.sign(req, "{}", "us-west-2", true, false);
    assertTrue(roundTrip.verifies(SigV4SdkRoundTripTest.view(signed), SigV4SdkRoundTripTest.SECRET, "{}",
        SigV4SdkRoundTripTest.NOW));
  }

  @Test
  void pathsAreNormalisedAsAwsSignersDo() {
    assertEquals("/example/", CanonicalRequest.canonicalUri("//example//"));
    assertEquals("/a/b", CanonicalRequest.canonicalUri("/a/b/."));
    assertEquals("/a", CanonicalRequest.canonicalUri("/a/b/.."));
    assertEquals("/a/", CanonicalRequest.canonicalUri("/a/./"));
    assertEquals("/", CanonicalRequest.canonicalUri("/example/.."));
    assertEquals("/", CanonicalRequest.canonicalUri("//"));
    assertEquals("/a%2520b/c~d", CanonicalRequest.canonicalUri("/a%20b/c~d"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"//getMedia", "/hls//v1/getHLSMasterPlaylist.m3u8", "/a/b/.", "/a/b/..", "/a//b//", "/./x/"})
  void awsSignedOddPathsVerify(String path) {
    SdkHttpRequest signed = SigV4SdkRoundTripTest.sign(SigV4SdkRoundTripTest.request(SdkHttpMethod.GET, path,
        Map.of()), null, "us-west-2", true, false);
    assertTrue(roundTrip.verifies(SigV4SdkRoundTripTest.view(signed), SigV4SdkRoundTripTest.SECRET, null,
        SigV4SdkRoundTripTest.NOW), path);
  }
}
