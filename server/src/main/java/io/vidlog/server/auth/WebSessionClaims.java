package io.vidlog.server.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.object.StoreException;
import java.util.Base64;

/**
 * What a web player's session cookie says: which session, which access key, the session's
 * anti-forgery token, and until when it is valid. The cookie value is these claims sealed with the
 * {@code system} data keys (AES-256-GCM under a key derived per value, {@link ObjectSealer}), so it
 * is confidential (the anti-forgery token in it cannot be read from a leaked cookie), cannot be
 * altered or made up, and opens on every node that shares the object store's keys.
 *
 * @param sessionId random id of the sign-in; its record in the store says the session is still open
 * @param csrfToken random token the page must send back in a header with every non-GET request
 * @param idleExpiresAt when the session ends unless used (extended by renewal, never past {@code maxExpiresAt})
 * @param maxExpiresAt when the session ends whatever happens (sign-in time plus the maximum age)
 */
record WebSessionClaims(String sessionId, String keyId, String csrfToken, long issuedAt, long idleExpiresAt,
    long maxExpiresAt) {
  /** Longest cookie value opened; anything longer is refused before any work. */
  static final int MAX_TOKEN_CHARS = 1024;
  private static final int VERSION = 1;
  private static final SealContext CONTEXT = new SealContext(SealContext.SYSTEM, "web-session", "cookie");

  boolean expiredAt(long now) {
    return now >= idleExpiresAt || now >= maxExpiresAt;
  }

  /**
   * The claims with a later idle expiry when more than half of the idle time has passed (so an
   * active page never sees its session lapse), or null when no renewal is due or possible.
   */
  WebSessionClaims renewedAt(long now, long idleMillis) {
    long next = Math.min(now + idleMillis, maxExpiresAt);
    if (idleExpiresAt - now > idleMillis / 2 || next <= idleExpiresAt) {
      return null;
    }
    return new WebSessionClaims(sessionId, keyId, csrfToken, issuedAt, next, maxExpiresAt);
  }

  /** The cookie value: sealed claims, base64url without padding. */
  String seal(ObjectSealer sealer) {
    JsonObject json = new JsonObject().put("v", VERSION).put("sid", sessionId).put("key", keyId)
        .put("csrf", csrfToken).put("iat", issuedAt).put("idle", idleExpiresAt).put("max", maxExpiresAt);
    byte[] sealed = sealer.seal(CONTEXT, json.toBuffer().getBytes());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
  }

  /** The claims a cookie value holds, or null when it is malformed, does not open, or is of another version. */
  static WebSessionClaims open(ObjectSealer sealer, String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return null;
    }
    try {
      byte[] plain = sealer.open(CONTEXT, Base64.getUrlDecoder().decode(token));
      JsonObject json = new JsonObject(Buffer.buffer(plain));
      if (!Integer.valueOf(VERSION).equals(json.getInteger("v"))) {
        return null;
      }
      WebSessionClaims c = new WebSessionClaims(json.getString("sid"), json.getString("key"),
          json.getString("csrf"), json.getLong("iat"), json.getLong("idle"), json.getLong("max"));
      return c.sessionId() == null || c.keyId() == null || c.csrfToken() == null ? null : c;
    } catch (IllegalArgumentException | StoreException | DecodeException | ClassCastException
        | NullPointerException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    // the anti-forgery token is a secret of the page
    return "WebSessionClaims[" + sessionId + ", " + keyId + ", idle until " + idleExpiresAt + ", max " + maxExpiresAt + "]";
  }
}
