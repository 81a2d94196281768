package io.vidlog.kvs.sigv4;

import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads {@link SigV4Auth} from a request: the header form
 * ({@code Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/kinesisvideo/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=hex}) or the presigned query form ({@code X-Amz-Algorithm},
 * {@code X-Amz-Credential}, {@code X-Amz-Date}, {@code X-Amz-Expires}, {@code X-Amz-SignedHeaders},
 * {@code X-Amz-Signature}). Malformed input is a NotAuthorizedException that says what is wrong and
 * never echoes the signature.
 */
public final class SigV4Parser {
  /**
   * {@code x-amz-date}, read strictly: a lenient read takes 20260230 for 20260228 and T240000 for the next
   * day's T000000, a time the client did not sign (its string to sign carries the date as sent).
   */
  static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
      .withResolverStyle(ResolverStyle.STRICT);
  private static final long MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
  /**
   * An access key id as IAM issues them (and vidlog's, AKIA + 16): letters and digits, at most 128.
   * The claimed id reaches the server's log before it is verified, so nothing else is taken for one.
   */
  private static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Za-z0-9]{1,128}");
  /**
   * A signed header: a field name (RFC 9110 §5.1, a token) in lower case. Anything else can name no
   * header of a request, and a ':' or line break in it would blur the canonical request's lines.
   */
  private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");
  /** A region or service name in the credential scope. */
  private static final Pattern SCOPE_NAME = Pattern.compile("[a-z0-9-]{1,64}");

  private SigV4Parser() {}

  /** True when the request carries SigV4 in either form. */
  public static boolean present(RequestView req, QueryString query) {
    String authz = req.header("authorization");
    return (authz != null && authz.startsWith(SigV4.ALGORITHM)) || query.get("X-Amz-Algorithm") != null;
  }

  public static SigV4Auth parse(RequestView req, QueryString query) {
    String authz = req.header("authorization");
    if (authz != null) {
      return parseHeader(authz, req.header("x-amz-date"));
    }
    if (query.get("X-Amz-Algorithm") != null) {
      return parseQuery(query);
    }
    throw denied("Missing Authentication Token: the request carries no AWS Signature Version 4");
  }

  private static SigV4Auth parseHeader(String authz, String amzDate) {
    if (!authz.startsWith(SigV4.ALGORITHM + " ")) {
      throw denied("Unsupported authorization scheme; expected " + SigV4.ALGORITHM);
    }
    String credential = null;
    String signedHeaders = null;
    String signature = null;
    for (String part : authz.substring(SigV4.ALGORITHM.length() + 1).split(",")) {
      String p = part.strip();
      if (p.startsWith("Credential=")) {
        credential = p.substring("Credential=".length());
      } else if (p.startsWith("SignedHeaders=")) {
        signedHeaders = p.substring("SignedHeaders=".length());
      } else if (p.startsWith("Signature=")) {
        signature = p.substring("Signature=".length());
      }
    }
    if (credential == null || signedHeaders == null || signature == null) {
      throw denied("Authorization header requires Credential, SignedHeaders and Signature");
    }
    if (amzDate == null) {
      throw denied("Authorization header requires the x-amz-date header");
    }
    return build(credential, signedHeaders, signature, amzDate, false, 0);
  }

  private static SigV4Auth parseQuery(QueryString q) {
    if (!SigV4.ALGORITHM.equals(q.get("X-Amz-Algorithm"))) {
      throw denied("Unsupported X-Amz-Algorithm; expected " + SigV4.ALGORITHM);
    }
    String credential = q.get("X-Amz-Credential");
    String signedHeaders = q.get("X-Amz-SignedHeaders");
    String signature = q.get("X-Amz-Signature");
    String date = q.get("X-Amz-Date");
    String expires = q.get("X-Amz-Expires");
    if (credential == null || signedHeaders == null || signature == null || date == null || expires == null) {
      throw denied("A presigned request requires X-Amz-Credential, X-Amz-Date, X-Amz-Expires, "
          + "X-Amz-SignedHeaders and X-Amz-Signature");
    }
    long exp;
    try {
      exp = Long.parseLong(expires);
    } catch (NumberFormatException e) {
      throw denied("X-Amz-Expires must be a number of seconds");
    }
    if (exp < 1 || exp > MAX_PRESIGN_SECONDS) {
      throw denied("X-Amz-Expires must be between 1 and " + MAX_PRESIGN_SECONDS + " seconds");
    }
    return build(credential, signedHeaders, signature, date, true, exp);
  }

  private static SigV4Auth build(String credential, String signedHeaders, String signature, String amzDate,
      boolean presigned, long expires) {
    String[] scope = credential.split("/", -1);
    if (scope.length != 5 || !ACCESS_KEY_ID.matcher(scope[0]).matches() || !scope[1].matches("\\d{8}")
        || !SCOPE_NAME.matcher(scope[2]).matches() || !SCOPE_NAME.matcher(scope[3]).matches()
        || !SigV4.TERMINATOR.equals(scope[4])) {
      throw denied("Credential must be <access-key-id>/<yyyyMMdd>/<region>/<service>/aws4_request");
    }
    if (!signature.matches("[0-9a-f]{64}")) {
      throw denied("Signature must be 64 lower-case hex digits");
    }
    List<String> headers = Arrays.asList(signedHeaders.split(";", -1));
    for (String h : headers) {
      if (!HEADER_NAME.matcher(h).matches()) {
        throw denied("SignedHeaders must be lower-case header names separated by ';'");
      }
    }
    if (!headers.contains("host")) {
      throw denied("SignedHeaders must include host");
    }
    if (!presigned && !headers.contains("x-amz-date")) {
      throw denied("SignedHeaders must include x-amz-date");
    }
    Instant when;
    try {
      when = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw denied("x-amz-date must be in the form yyyyMMdd'T'HHmmss'Z'");
    }
    if (!amzDate.startsWith(scope[1])) {
      throw denied("The credential scope date does not match x-amz-date");
    }
    return new SigV4Auth(scope[0], scope[1], scope[2], scope[3], List.copyOf(headers), signature, when,
        presigned, expires);
  }

  static KvsException denied(String message) {
    return KvsError.NOT_AUTHORIZED.exception(message);
  }
}
