package io.vidlog.kvs.sigv4;

import io.vidlog.kvs.KvsException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Verifies a parsed {@link SigV4Auth} against the secret of its access key: the service and clock
 * checks (±15 minutes for signed headers; not before date−15 min and not after date+expires for
 * presigned URLs), then the canonical request, string to sign and HMAC, compared in constant time.
 */
public final class SigV4Verifier {
  public static final Duration MAX_SKEW = Duration.ofMinutes(15);

  private final String service;

  public SigV4Verifier(String service) {
    this.service = service;
  }

  public SigV4Verifier() {
    this(SigV4.SERVICE);
  }

  /** Checks service and time; throws NotAuthorized when the request may not be considered at all. */
  public void checkScopeAndTime(SigV4Auth auth, Instant now) {
    if (!service.equals(auth.service())) {
      throw SigV4Parser.denied("Credential should be scoped to correct service: '" + service + "'");
    }
    Instant date = auth.amzDate();
    if (auth.presigned()) {
      if (now.isBefore(date.minus(MAX_SKEW))) {
        throw SigV4Parser.denied("Signature not yet current: the presigned request is dated in the future");
      }
      if (now.isAfter(date.plusSeconds(auth.expiresSeconds()))) {
        throw SigV4Parser.denied("Signature expired: the presigned request is no longer valid");
      }
    } else if (Duration.between(date, now).abs().compareTo(MAX_SKEW) > 0) {
      throw SigV4Parser.denied("Signature expired or not yet current: x-amz-date is more than 15 minutes "
          + "from the server's time");
    }
  }

  /**
   * True when one of {@code payloadHashes} (the values the client may have signed as the last line)
   * gives the request's signature.
   */
  public boolean matches(RequestView req, SigV4Auth auth, String secret, List<String> payloadHashes) {
    byte[] key = SigV4.signingKey(secret, auth.date(), auth.region(), auth.service());
    byte[] given = auth.signature().getBytes(StandardCharsets.US_ASCII);
    boolean ok = false;
    for (String payloadHash : payloadHashes) {
      String expected = signature(req, auth, key, payloadHash);
      // constant time: no early exit on the first differing byte
      ok |= MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given);
    }
    return ok;
  }

  /** The signature a client holding {@code key} computes for this request. */
  static String signature(RequestView req, SigV4Auth auth, byte[] key, String payloadHash) {
    String canonical = CanonicalRequest.build(req, auth.signedHeaders(), payloadHash,
        auth.presigned() ? "X-Amz-Signature" : null);
    return SigV4.hex(SigV4.hmac(key, stringToSign(auth, canonical)));
  }

  static String stringToSign(SigV4Auth auth, String canonicalRequest) {
    return SigV4.ALGORITHM + '\n' + SigV4Parser.AMZ_DATE.format(auth.amzDate().atOffset(java.time.ZoneOffset.UTC))
        + '\n' + auth.scope() + '\n' + SigV4.sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
  }

  /** The error for a signature that does not match (the AWS wording; no signature echoed). */
  public static KvsException mismatch() {
    return SigV4Parser.denied("The request signature we calculated does not match the signature you provided. "
        + "Check your AWS Secret Access Key and signing method.");
  }
}
