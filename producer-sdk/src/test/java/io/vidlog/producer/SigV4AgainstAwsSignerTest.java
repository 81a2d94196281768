package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vidlog.kvs.sigv4.SigV4;
import io.vidlog.kvs.sigv4.SigV4Signer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * The SDK's SigV4 against the AWS SDK for Java v2's own signer ({@code AwsV4HttpSigner}) on the same
 * requests: the SDK's control-plane calls (a JSON body whose hash is signed), a streamed PutMedia head
 * (unsigned payload), with long-term and temporary credentials, for several regions and host forms.
 * The SDK's request must carry exactly the {@code Authorization} AWS computes.
 */
class SigV4AgainstAwsSignerTest {
  static final Instant NOW = Instant.parse("2026-12-07T06:30:15.123Z");
  static final Credentials KEYS = new Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  static final Credentials TEMPORARY = new Credentials("ASIAXAMPLE1234567890", "secret/with+chars", "FwoGZXIvYXdzEJr//token=");

  @Test
  void controlPlaneCallsSignAsAwsDoes() {
    for (String region : List.of("us-east-1", "eu-west-1", "ap-southeast-2")) {
      for (Credentials c : List.of(KEYS, TEMPORARY)) {
        for (String host : List.of("127.0.0.1:8443", "localhost:8443", "kinesisvideo." + region + ".amazonaws.com")) {
          for (String path : List.of("/describeStream", "/getDataEndpoint", "/listFragments", "/TagResource")) {
            String body = "{\"StreamName\":\"cam-1\",\"APIName\":\"PUT_MEDIA\",\"Tags\":{\"k\":\"v é\"}}";
            Map<String, String> ours = ClientContext.signedHeaders(new SigV4Signer(region, SigV4.SERVICE), c, host,
                "POST", path, Map.of("content-type", "application/json"),
                SigV4.sha256Hex(body.getBytes(StandardCharsets.UTF_8)), NOW);
            assertEquals(awsAuthorization(ours, region, c, host, path, body), ours.get("authorization"),
                region + " " + host + " " + path + " " + c);
          }
        }
      }
    }
  }

  @Test
  void putMediaHeadSignsAsAwsDoesWithAnUnsignedPayload() {
    for (Credentials c : List.of(KEYS, TEMPORARY)) {
      Map<String, String> extra = new LinkedHashMap<>();
      extra.put("x-amzn-stream-name", "cam-1");
      extra.put("x-amzn-fragment-timecode-type", "ABSOLUTE");
      extra.put("x-amzn-producer-start-timestamp", "1796625015.123");
      extra.put("x-amzn-fragment-acknowledgment-required", "1");
      Map<String, String> ours = ClientContext.signedHeaders(new SigV4Signer("us-west-2", SigV4.SERVICE), c,
          "127.0.0.1:8444", "POST", "/putMedia", extra, SigV4.UNSIGNED_PAYLOAD, NOW);
      assertEquals(awsAuthorization(ours, "us-west-2", c, "127.0.0.1:8444", "/putMedia", null),
          ours.get("authorization"), c.toString());
    }
  }

  /** What AWS's signer puts in Authorization for the request our headers describe (minus our signature). */
  static String awsAuthorization(Map<String, String> ours, String region, Credentials c, String host, String path,
      String body) {
    String[] hp = host.split(":");
    SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).protocol("https")
        .host(hp[0]).encodedPath(path);
    if (hp.length > 1) {
      b.port(Integer.parseInt(hp[1]));
    }
    ours.forEach((k, v) -> {
      // what the SDK computes itself is left to it: date, token and the signature
      if (!k.equalsIgnoreCase("authorization") && !k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("x-amz-date")
          && !k.equalsIgnoreCase("x-amz-security-token") && !k.equalsIgnoreCase("user-agent")) {
        b.putHeader(k, v);
      }
    });
    AwsCredentialsIdentity id = c.sessionToken() == null ? AwsCredentialsIdentity.create(c.accessKeyId(), c.secretAccessKey())
        : AwsSessionCredentialsIdentity.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> {
      r.identity(id).request(b.build())
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesisvideo")
          .putProperty(AwsV4HttpSigner.REGION_NAME, region)
          .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC))
          .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, body != null);
      if (body != null) {
        r.payload(ContentStreamProvider.fromUtf8String(body));
      }
    });
    assertEquals(ours.get("x-amz-date"), signed.request().firstMatchingHeader("X-Amz-Date").orElseThrow());
    return signed.request().firstMatchingHeader("Authorization").orElseThrow();
  }
}
