package io.vidlog.server.auth;

import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;

/**
 * Why authentication refused a request, for the server's log only. The caller sees one
 * NotAuthorizedException whatever the reason (docs/wire-protocol.md §0); this travels as its cause,
 * so the failure handler can log the reason with the request id the caller was given.
 */
public final class AuthRefusal extends RuntimeException {
  /** The one message a refused caller reads. */
  public static final String MESSAGE = "The request signature we calculated does not match the signature you "
      + "provided, or the access key is not valid. Check your AWS Secret Access Key, signing method and clock.";

  /** Why a request did not authenticate. */
  public enum Reason {
    /** No signature, a malformed one, a wrong scope or service, or a request time outside the allowed skew. */
    MALFORMED_OR_EXPIRED,
    /** The access key id is not known (never existed, revoked, or its record does not verify). */
    UNKNOWN_KEY,
    /** The key exists but the signature does not match the request. */
    WRONG_SIGNATURE
  }

  private final Reason reason;
  private final String keyId;

  private AuthRefusal(Reason reason, String keyId, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
    this.keyId = keyId;
  }

  /** The caller's error, with the reason as its cause. */
  public static KvsException refused(Reason reason, String keyId, String detail) {
    return new KvsException(KvsError.NOT_AUTHORIZED, MESSAGE, new AuthRefusal(reason, keyId, detail));
  }

  public Reason reason() {
    return reason;
  }

  /** The access key id the request named, or null when it named none readable. Safe to log. */
  public String keyId() {
    return keyId;
  }
}
