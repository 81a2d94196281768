package io.vidlog.kvs.sigv4;

import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * What must hold for any request as SigV4 reads it ({@link SigV4Parser}, {@link QueryString},
 * {@link SigV4Verifier#checkScopeAndTime}, {@link SignedHeaders#requireCovered},
 * {@link CanonicalRequest#build}), in two parts.
 *
 * <p>The request as it came: only NotAuthorizedException escapes, with a short message that never
 * quotes the signature; a parsed {@link SigV4Auth} is well-formed (an access key id of 1–128
 * letters and digits, a scope date that is the request date's day, the request date exactly as
 * sent, a region and service of lower-case letters, digits and hyphens, signed headers that are
 * lower-case header names including {@code host}, a 64-digit hex signature, an expiry only for
 * presigned URLs), its {@code toString()} is its id and scope and never its signature; the clock
 * check passes only within the documented window; the coverage check passes only when every
 * {@code x-amz-*} and {@code x-amzn-*} header present (but the exempt ones) is signed; building the
 * canonical request and matching a secret never throw.
 *
 * <p>The same request signed by AWS's own signer ({@code AwsV4HttpSigner}, AWS SDK for Java v2),
 * header or presigned form, payload signed or not, as the server then receives it: it parses,
 * passes the clock and coverage checks and matches the secret; the same request with any signed
 * header's value, the path or the query changed, or checked against another secret, does not.
 *
 * <p>The input is an HTTP request head as text (ISO-8859-1): a request line {@code METHOD target},
 * {@code name: value} header lines, then after an empty line the body. Lines starting with
 * {@code #} set how the round trip signs: {@code #presigned}, {@code #unsigned} (no payload hash:
 * a streaming route), {@code #region <name>}, {@code #at <epoch seconds>} (the signing time and the
 * server's clock).
 */
final class SigV4Oracle {
  static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  static final int MAX_MESSAGE = 256;
  private static final Instant DEFAULT_AT = Instant.parse("2026-11-22T01:00:00Z");
  /** The last instant whose x-amz-date has four year digits. */
  private static final long MAX_AT = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final Pattern KEY_ID_SHAPE = Pattern.compile("[A-Za-z0-9]{1,128}");
  private static final Pattern SCOPE_PART = Pattern.compile("[a-z0-9-]{1,64}");
  /** A lower-case HTTP field name (RFC 9110 §5.1: a token). */
  private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  private static final Pattern HEX_SIGNATURE = Pattern.compile("[0-9a-fA-F]{16,}");
  /** Headers the signer writes itself, or the HTTP client does. */
  private static final Set<String> SIGNER_OWNED = Set.of("authorization", "host", "x-amz-date",
      "x-amz-content-sha256", "x-amz-security-token");
  private static final SigV4Verifier VERIFIER = new SigV4Verifier();

  private SigV4Oracle() {}

  /** The request the input describes, and how to sign it. */
  record Request(String method, String path, String query, List<String[]> headers, byte[] body, boolean presigned,
      boolean payloadSigned, String region, Instant at) {

    static Request decode(byte[] input) {
      int split = indexOf(input, new byte[] {'\n', '\n'});
      String head = new String(input, 0, split < 0 ? input.length : split, StandardCharsets.ISO_8859_1);
      byte[] body = split < 0 ? new byte[0] : java.util.Arrays.copyOfRange(input, split + 2, input.length);
      String[] lines = head.split("\n", -1);
      String[] requestLine = lines[0].strip().split(" +");
      String method = requestLine[0].isEmpty() ? "GET" : requestLine[0];
      String target = requestLine.length > 1 ? requestLine[1] : "/";
      int q = target.indexOf('?');
      List<String[]> headers = new ArrayList<>();
      boolean presigned = false;
      boolean payloadSigned = true;
      String region = "us-east-1";
      Instant at = DEFAULT_AT;
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
        if (line.startsWith("#")) {
          String[] w = line.substring(1).strip().split(" +");
          switch (w[0]) {
            case "presigned" -> presigned = true;
            case "unsigned" -> payloadSigned = false;
            case "region" -> region = w.length > 1 ? w[1] : region;
            case "at" -> at = w.length > 1 ? instant(w[1], at) : at;
            default -> { }
          }
          continue;
        }
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.add(new String[] {line.substring(0, colon), trimOws(line.substring(colon + 1))});
        }
      }
      return new Request(method, q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1),
          headers, body, presigned, payloadSigned, region, at);
    }

    private static Instant instant(String s, Instant otherwise) {
      try {
        return Instant.ofEpochSecond(Math.max(0, Math.min(MAX_AT, Long.parseLong(s))));
      } catch (NumberFormatException e) {
        return otherwise;
      }
    }

    /** The request as the server's view of it: header values by lower-case name, names as sent. */
    RequestView view() {
      Map<String, List<String>> byName = new LinkedHashMap<>();
      List<String> names = new ArrayList<>();
      for (String[] h : headers) {
        byName.computeIfAbsent(h[0].toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(h[1]);
        names.add(h[0]);
      }
      return new RequestView(method, path, query, n -> byName.getOrDefault(n, List.of()), () -> names);
    }
  }

  static void check(byte[] input) {
    Request r = Request.decode(input);
    checkAsSent(r);
    checkSignedByAws(r);
  }

  // ---- the request as it came ----

  private static void checkAsSent(Request r) {
    RequestView view = r.view();
    QueryString query = QueryString.parse(r.query());
    String given = givenSignature(view, query);
    SigV4Auth auth;
    try {
      auth = SigV4Parser.parse(view, query);
    } catch (KvsException e) {
      refusal(e, given);
      return;
    }
    checkAuth(auth, view, query);
    try {
      VERIFIER.checkScopeAndTime(auth, r.at());
      Instant date = auth.amzDate();
      boolean inWindow = auth.presigned()
          ? !r.at().isBefore(date.minus(SigV4Verifier.MAX_SKEW)) && !r.at().isAfter(date.plusSeconds(auth.expiresSeconds()))
          : Duration.between(date, r.at()).abs().compareTo(SigV4Verifier.MAX_SKEW) <= 0;
      if (!SigV4.SERVICE.equals(auth.service()) || !inWindow) {
        throw new AssertionError("the clock check passed " + auth + " at " + r.at() + " (dated " + date + ")");
      }
    } catch (KvsException e) {
      refusal(e, given);
    }
    try {
      SignedHeaders.requireCovered(view, auth);
      for (String name : view.headerNames().get()) {
        if (SignedHeaders.mustBeSigned(name) && !auth.signedHeaders().contains(name.toLowerCase(Locale.ROOT))) {
          throw new AssertionError("the coverage check passed though " + name + " is not signed: " + auth.signedHeaders());
        }
      }
    } catch (KvsException e) {
      refusal(e, given);
    }
    // whatever the request holds, building the canonical request and matching never throw
    CanonicalRequest.build(view, auth.signedHeaders(), SigV4.EMPTY_SHA256, auth.presigned() ? "X-Amz-Signature" : null);
    VERIFIER.matches(view, auth, SECRET, List.of(SigV4.EMPTY_SHA256, SigV4.UNSIGNED_PAYLOAD));
  }

  private static String givenSignature(RequestView view, QueryString query) {
    String authz = view.header("authorization");
    if (authz == null) {
      return query.get("X-Amz-Signature");
    }
    int at = authz.indexOf("Signature=");
    if (at < 0) {
      return null;
    }
    int end = authz.indexOf(',', at);
    return authz.substring(at + "Signature=".length(), end < 0 ? authz.length() : end).strip();
  }

  private static void refusal(KvsException e, String givenSignature) {
    String m = e.getMessage();
    if (e.error() != KvsError.NOT_AUTHORIZED) {
      throw new AssertionError("refused with " + e.error() + ", not NOT_AUTHORIZED: " + m, e);
    }
    if (m == null || m.length() > MAX_MESSAGE) {
      throw new AssertionError("refusal message of " + (m == null ? "no" : m.length()) + " characters", e);
    }
    if (givenSignature != null && HEX_SIGNATURE.matcher(givenSignature).matches() && m.contains(givenSignature)) {
      throw new AssertionError("the refusal quotes the signature: " + m, e);
    }
  }

  private static void checkAuth(SigV4Auth auth, RequestView view, QueryString query) {
    String authz = view.header("authorization");
    if (auth.presigned() != (authz == null)) {
      throw new AssertionError("presigned " + auth.presigned() + " with authorization header " + authz);
    }
    String sentDate = auth.presigned() ? query.get("X-Amz-Date") : view.header("x-amz-date");
    String readDate = AMZ_DATE.format(auth.amzDate());
    if (!readDate.equals(sentDate) || !readDate.startsWith(auth.date())) {
      throw new AssertionError("request date '" + sentDate + "' read as " + readDate + ", scope date " + auth.date());
    }
    if (!KEY_ID_SHAPE.matcher(auth.accessKeyId()).matches()) {
      throw new AssertionError("access key id '" + abbreviate(auth.accessKeyId()) + "' is not 1-128 letters and digits");
    }
    if (!SCOPE_PART.matcher(auth.region()).matches() || !SCOPE_PART.matcher(auth.service()).matches()) {
      throw new AssertionError("region '" + abbreviate(auth.region()) + "' or service '" + abbreviate(auth.service())
          + "' is not lower-case letters, digits and hyphens");
    }
    List<String> signed = auth.signedHeaders();
    if (signed.isEmpty() || !signed.stream().allMatch(h -> HEADER_NAME.matcher(h).matches()) || !signed.contains("host")
        || (!auth.presigned() && !signed.contains("x-amz-date"))) {
      throw new AssertionError("signed headers " + abbreviate(String.join(";", signed)));
    }
    if (!auth.signature().matches("[0-9a-f]{64}")) {
      throw new AssertionError("signature " + abbreviate(auth.signature()));
    }
    long expires = auth.presigned() ? Long.parseLong(query.get("X-Amz-Expires")) : 0;
    if (auth.expiresSeconds() != expires || (auth.presigned() && (expires < 1 || expires > 7 * 24 * 3600))) {
      throw new AssertionError("expires " + auth.expiresSeconds());
    }
    String text = auth.toString();
    String expected = "SigV4Auth[" + auth.accessKeyId() + " " + auth.date() + "/" + auth.region() + "/" + auth.service()
        + "/aws4_request" + (auth.presigned() ? " presigned" : "") + "]";
    if (!text.equals(expected) || (text.contains(auth.signature()) && !auth.accessKeyId().contains(auth.signature()))) {
      throw new AssertionError("toString " + abbreviate(text));
    }
  }

  // ---- the same request signed by AWS's signer ----

  private static void checkSignedByAws(Request r) {
    String path = wirePath(r.path());
    if (climbsAboveRoot(path)) {
      // clients disagree: the AWS SDK for Java v2 keeps such a '..' (java.net.URI), botocore and
      // RFC 3986 drop it; no API path has one
      return;
    }
    SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().method(method(r.method())).protocol("https")
        .host("127.0.0.1").port(8443).encodedPath(path);
    for (QueryString.Param p : QueryString.parse(r.query()).params()) {
      // the signer's own parameters; an empty name is signed by some clients and not by others
      if (!p.name().isEmpty() && !p.name().regionMatches(true, 0, "X-Amz-", 0, 6)) {
        b.appendRawQueryParameter(p.name(), p.value());
      }
    }
    for (String[] h : r.headers()) {
      // what HTTP can carry: a token for a name, no CR, LF or NUL in a value
      if (TOKEN.matcher(h[0]).matches() && !SIGNER_OWNED.contains(h[0].toLowerCase(Locale.ROOT))
          && h[1].chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        b.appendHeader(h[0], h[1]);
      }
    }
    String region = scopePart(r.region());
    SdkHttpRequest signed = AwsV4HttpSigner.create().sign(s -> {
      s.identity(AwsCredentialsIdentity.create(KEY_ID, SECRET)).request(b.build())
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SigV4.SERVICE)
          .putProperty(AwsV4HttpSigner.REGION_NAME, region)
          .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(r.at(), ZoneOffset.UTC))
          .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, r.payloadSigned())
          .payload(ContentStreamProvider.fromByteArrayUnsafe(r.body()));
      if (r.presigned()) {
        s.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
            .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(5));
      }
    }).request();
    Map<String, List<String>> headers = serverHeaders(signed);
    RequestView view = view(signed.method().name(), signed.encodedPath(), signed.encodedQueryParameters().orElse(null),
        headers);
    SigV4Auth auth;
    List<String> hashes;
    try {
      QueryString query = QueryString.parse(view.rawQuery());
      auth = SigV4Parser.parse(view, query);
      VERIFIER.checkScopeAndTime(auth, r.at());
      SignedHeaders.requireCovered(view, auth);
      // a payload AWS's signer did not hash travels on a streaming route, whose body is not read first
      hashes = PayloadHashes.candidates(view.header("x-amz-content-sha256"), r.payloadSigned() ? r.body() : null,
          auth.presigned());
    } catch (KvsException e) {
      throw new AssertionError("AWS's signer signed it, we refuse (" + e.getMessage() + "):\n" + describe(view), e);
    }
    if (!VERIFIER.matches(view, auth, SECRET, hashes)) {
      throw new AssertionError("AWS's signature does not verify:\n" + describe(view) + "\nour canonical request:\n"
          + CanonicalRequest.build(view, auth.signedHeaders(), hashes.get(0), auth.presigned() ? "X-Amz-Signature" : null));
    }
    if (VERIFIER.matches(view, auth, SECRET + "x", hashes)) {
      throw new AssertionError("verifies with another secret:\n" + describe(view));
    }
    for (String name : auth.signedHeaders()) {
      Map<String, List<String>> flipped = new LinkedHashMap<>(headers);
      List<String> values = new ArrayList<>(flipped.getOrDefault(name, List.of("")));
      values.set(0, values.get(0) + "x");
      flipped.put(name, values);
      mustNotVerify(view(view.method(), view.rawPath(), view.rawQuery(), flipped), auth, hashes, "header " + name);
    }
    mustNotVerify(view(view.method(), view.rawPath() + "x", view.rawQuery(), headers), auth, hashes, "path");
    String query = view.rawQuery() == null || view.rawQuery().isEmpty() ? "flip=1" : view.rawQuery() + "&flip=1";
    mustNotVerify(view(view.method(), view.rawPath(), query, headers), auth, hashes, "query");
  }

  private static void mustNotVerify(RequestView changed, SigV4Auth auth, List<String> hashes, String what) {
    if (VERIFIER.matches(changed, auth, SECRET, hashes)) {
      throw new AssertionError("still verifies with another " + what + ":\n" + describe(changed));
    }
  }

  /** Header values as an HTTP server hands them over: by lower-case name, optional whitespace trimmed. */
  private static Map<String, List<String>> serverHeaders(SdkHttpRequest signed) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    signed.forEachHeader((k, v) -> headers.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>())
        .addAll(v.stream().map(SigV4Oracle::trimOws).toList()));
    headers.putIfAbsent("host", List.of(signed.host() + ":" + signed.port()));
    return headers;
  }

  private static RequestView view(String method, String path, String query, Map<String, List<String>> headers) {
    return new RequestView(method, path, query, n -> headers.getOrDefault(n, List.of()), headers::keySet);
  }

  private static String describe(RequestView v) {
    StringBuilder b = new StringBuilder(v.method()).append(' ').append(v.rawPath());
    if (v.rawQuery() != null) {
      b.append('?').append(v.rawQuery());
    }
    for (String n : v.headerNames().get()) {
      b.append('\n').append(n).append(": ").append(v.headers().apply(n));
    }
    return b.toString();
  }

  private static SdkHttpMethod method(String m) {
    for (SdkHttpMethod candidate : SdkHttpMethod.values()) {
      if (candidate.name().equalsIgnoreCase(m)) {
        return candidate;
      }
    }
    return SdkHttpMethod.GET;
  }

  /** The path as a client puts it on the wire: what RFC 3986 allows in a path kept, the rest percent-encoded. */
  static String wirePath(String path) {
    StringBuilder b = new StringBuilder(path.startsWith("/") ? "" : "/");
    byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int c = bytes[i] & 0xff;
      boolean escape = c == '%' && i + 2 < bytes.length && Character.digit(bytes[i + 1], 16) >= 0
          && Character.digit(bytes[i + 2], 16) >= 0;
      if (escape || (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0))) {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c));
      }
    }
    return b.toString();
  }

  /** Whether a {@code ..} segment would climb above the root. */
  static boolean climbsAboveRoot(String path) {
    int depth = 0;
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        if (--depth < 0) {
          return true;
        }
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        depth++;
      }
    }
    return false;
  }

  private static String scopePart(String s) {
    String cleaned = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "");
    return cleaned.isEmpty() ? "us-east-1" : cleaned.substring(0, Math.min(64, cleaned.length()));
  }

  /** HTTP strips optional whitespace (spaces and tabs) around a field value (RFC 9110 §5.5). */
  static String trimOws(String v) {
    int from = 0;
    int to = v.length();
    while (from < to && (v.charAt(from) == ' ' || v.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (v.charAt(to - 1) == ' ' || v.charAt(to - 1) == '\t')) {
      to--;
    }
    return v.substring(from, to);
  }

  private static int indexOf(byte[] a, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= a.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (a[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
