package io.vidlog.server.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The web player's session cookie: {@code __Host-} prefixed (browsers accept it only with
 * {@code Secure}, {@code Path=/} and no {@code Domain}, so no sibling host can set or shadow it,
 * RFC 6265bis §4.1.3.2), {@code HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site's
 * page makes the browser send it) and with a {@code Max-Age}, so it expires in the browser when the
 * session does on the server.
 */
final class SessionCookie {
  static final String NAME = "__Host-vidlog-session";
  /** The header that carries the session's anti-forgery token. */
  static final String CSRF_HEADER = "x-vidlog-csrf";

  private SessionCookie() {}

  /** The cookie's value, or null when the request has none. */
  static String read(HttpServerRequest req) {
    Cookie c = req.getCookie(NAME);
    return c == null || c.getValue().isEmpty() ? null : c.getValue();
  }

  /** Sets the cookie of {@code claims}, expiring in the browser when the session ends on the server. */
  static void set(HttpServerResponse resp, String value, WebSessionClaims claims, long nowMillis) {
    long end = Math.min(claims.idleExpiresAt(), claims.maxExpiresAt());
    resp.addCookie(base(value).setMaxAge(Math.max(1, (end - nowMillis) / 1000)));
  }

  /** Tells the browser to drop the cookie. */
  static void clear(HttpServerResponse resp) {
    resp.addCookie(base("").setMaxAge(0));
  }

  private static Cookie base(String value) {
    return Cookie.cookie(NAME, value).setPath("/").setSecure(true).setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT);
  }
}
