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
    WRONG_SIGNATURE,
    /** A web sign-in named an unknown key or gave the wrong secret. */
    WRONG_SECRET,
    /**
     * A browser session cookie that does not open, has expired, was signed out, or whose key was
     * revoked; or one sent to a route browsers may not call.
     */
    SESSION_INVALID,
    /** A cookie-authenticated request without the session's anti-forgery token (or with another one). */
    MISSING_CSRF_TOKEN
  }

  /** What a refused web sign-in reads. */
  public static final String LOGIN_MESSAGE = "The access key id or secret access key is not valid.";
  /** What a request with a session that is no longer valid reads. */
  public static final String SESSION_MESSAGE = "The sign-in session is not valid (it expired, was signed out, or "
      + "its access key was revoked); sign in again.";
  /** What a cookie-authenticated request without its anti-forgery token reads. */
  public static final String CSRF_MESSAGE = "The request lacks the sign-in session's anti-forgery token "
      + "(header x-vidlog-csrf).";

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

  /** A refusal of a web sign-in or of a browser session, with the message its reason calls for. */
  public static KvsException refusedBrowser(Reason reason, String keyId, String detail) {
    String message = switch (reason) {
      case WRONG_SECRET, UNKNOWN_KEY -> LOGIN_MESSAGE;
      case MISSING_CSRF_TOKEN -> CSRF_MESSAGE;
      default -> SESSION_MESSAGE;
    };
    return new KvsException(KvsError.NOT_AUTHORIZED, message, new AuthRefusal(reason, keyId, detail));
  }

  public Reason reason() {
    return reason;
  }

  /** The access key id the request named, or null when it named none readable. Safe to log. */
  public String keyId() {
    return keyId;
  }
}
