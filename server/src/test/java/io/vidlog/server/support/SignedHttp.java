package io.vidlog.server.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Requests signed by the AWS SDK v2 signer, sent with the JDK HttpClient (HTTP/2 over TLS when the
 * server offers it) so tests can change what goes on the wire after signing.
 */
public final class SignedHttp {
  /** Headers the JDK client sets itself (content-length from the body, host from the URI). */
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");
  private final HttpClient http;
  private final URI base;

  public SignedHttp(URI base) {
    this.base = base;
    this.http = TestServers.trustingHttpClient();
  }

  /** What to sign. */
  public record Spec(String method, String path, Map<String, String> query, String body, String accessKey,
      String secret, Clock clock, Duration presignFor, boolean signPayload) {

    public Spec(String method, String path, Map<String, String> query, String body, String accessKey, String secret,
        Clock clock, Duration presignFor) {
      this(method, path, query, body, accessKey, secret, clock, presignFor, true);
    }

    public static Spec post(String path, String body, String accessKey, String secret) {
      return new Spec("POST", path, Map.of(), body, accessKey, secret, Clock.systemUTC(), null);
    }

    public Spec withClock(Clock c) {
      return new Spec(method, path, query, body, accessKey, secret, c, presignFor, signPayload);
    }

    public Spec withQuery(Map<String, String> q) {
      return new Spec(method, path, q, body, accessKey, secret, clock, presignFor, signPayload);
    }

    public Spec presigned(Duration d) {
      return new Spec(method, path, query, body, accessKey, secret, clock, d, signPayload);
    }

    /** Signs {@code UNSIGNED-PAYLOAD} instead of the body's hash. */
    public Spec unsignedPayload() {
      return new Spec(method, path, query, body, accessKey, secret, clock, presignFor, false);
    }
  }

  /**
   * A PutMedia-style request: the signer announces {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD} as
   * AWS's Java PutMedia client does (docs/wire-protocol.md §1.1); the caller sends a raw body anyway.
   */
  public SdkHttpRequest signStreaming(String accessKey, String secret) {
    SdkHttpFullRequest req = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(base)
        .encodedPath("/putMedia").putHeader("x-amzn-stream-name", "cam-1")
        .putHeader("x-amzn-fragment-timecode-type", "ABSOLUTE").putHeader("Content-Length", "1024").build();
    return AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create(accessKey, secret))
        .request(req).payload(ContentStreamProvider.fromByteArray(new byte[1024]))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesisvideo")
        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-west-2")
        .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, true)).request();
  }

  public SdkHttpRequest sign(Spec s) {
    SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().method(SdkHttpMethod.fromValue(s.method()))
        .uri(base).encodedPath(s.path()).putHeader("Content-Type", "application/json");
    s.query().forEach(b::putRawQueryParameter);
    SdkHttpFullRequest req = b.build();
    return AwsV4HttpSigner.create().sign(r -> {
      r.identity(AwsCredentialsIdentity.create(s.accessKey(), s.secret())).request(req)
          .payload(ContentStreamProvider.fromUtf8String(s.body() == null ? "" : s.body()))
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesisvideo")
          .putProperty(AwsV4HttpSigner.REGION_NAME, "us-west-2")
          .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, s.clock())
          .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, s.signPayload());
      if (s.presignFor() != null) {
        r.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
            .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, s.presignFor());
      }
    }).request();
  }

  /**
   * A header-form signature over exactly {@code host}, {@code x-amz-date} and {@code headers}: what a
   * client that signs little sends, for checking which headers the server requires to be signed.
   */
  public SdkHttpRequest signHeaders(String method, String path, Map<String, String> headers, String accessKey,
      String secret) {
    SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(base)
        .encodedPath(path).putHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
    headers.forEach(b::putHeader);
    return AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create(accessKey, secret))
        .request(b.build()).putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesisvideo")
        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-west-2")
        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)).request();
  }

  /**
   * A POST signed as AWS's C producer SDK signs (its AwsV4Signer): the body's hash and every header
   * but {@code content-type}, {@code content-length} and {@code x-amz-security-token}, which it sends
   * unsigned; add those with {@link #send(SdkHttpRequest, String, String, String, String, Map)}.
   */
  public SdkHttpRequest signLikeTheCProducerSdk(String path, String body, String accessKey, String secret) {
    SdkHttpFullRequest req = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(base).encodedPath(path)
        .build();
    return AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create(accessKey, secret))
        .request(req).payload(ContentStreamProvider.fromUtf8String(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesisvideo")
        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")).request();
  }

  /** Sends {@code signed} with {@code path}, {@code rawQuery} and {@code body} possibly replaced. */
  public HttpResponse<String> send(SdkHttpRequest signed, String method, String path, String rawQuery, String body)
      throws Exception {
    return send(signed, method, path, rawQuery, body, Map.of());
  }

  /** As above, adding {@code extraHeaders} after signing. */
  public HttpResponse<String> send(SdkHttpRequest signed, String method, String path, String rawQuery, String body,
      Map<String, String> extraHeaders) throws Exception {
    String uri = base + path + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    signed.forEachHeader((name, values) -> {
      if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        values.forEach(v -> b.header(name, v));
      }
    });
    extraHeaders.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a signed request without a body and reads the response body as bytes (images). */
  public HttpResponse<byte[]> sendForBytes(SdkHttpRequest signed) throws Exception {
    String query = signed.encodedQueryParameters().orElse(null);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + signed.encodedPath()
        + (query == null ? "" : "?" + query))).timeout(Duration.ofSeconds(20)).method(signed.method().name(),
        HttpRequest.BodyPublishers.noBody());
    signed.forEachHeader((name, values) -> {
      if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        values.forEach(v -> b.header(name, v));
      }
    });
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<String> send(SdkHttpRequest signed, String body) throws Exception {
    return send(signed, signed.method().name(), signed.encodedPath(), signed.encodedQueryParameters().orElse(null), body);
  }

  public HttpResponse<String> unsigned(String method, String path, String body, Map<String, List<String>> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach((k, vs) -> vs.forEach(v -> b.header(k, v)));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
