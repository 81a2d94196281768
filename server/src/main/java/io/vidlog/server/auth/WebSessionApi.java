package io.vidlog.server.auth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.kvs.http.Caller;
import io.vidlog.kvs.http.Fields;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The web player's sign-in routes (docs/wire-protocol.md §10):
 * <ul>
 *   <li>{@code POST /session/login} {@code {"accessKeyId","secretAccessKey"}}: opens a session and sets
 *       its cookie; the answer carries the session's anti-forgery token, never the secret;</li>
 *   <li>{@code GET /session}: who is signed in, and the anti-forgery token again (a reloaded page has
 *       lost it; only this origin can read the answer);</li>
 *   <li>{@code POST /session/logout}: ends the session on the server and drops the cookie.</li>
 * </ul>
 * Sign-in requires {@code Content-Type: application/json}: a page of another site can send that
 * type only after a CORS preflight, which this server never grants, so it cannot sign a visitor in
 * with its own key.
 */
public final class WebSessionApi implements ApiModule {
  static final String LOGIN = "/session/login";
  static final String SESSION = "/session";
  static final String LOGOUT = "/session/logout";
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9]+");

  private final WebSessions sessions;
  private final LongSupplier clock;

  public WebSessionApi(WebSessions sessions, LongSupplier clockMillis) {
    this.sessions = sessions;
    this.clock = clockMillis;
  }

  @Override
  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.publicJson(LOGIN, "web sign-in: checks an access key's secret itself (constant time) and sets the "
            + "session cookie", this::login),
        ApiRoute.sessionGet(SESSION, this::current),
        ApiRoute.sessionPost(LOGOUT, this::logout));
  }

  private void login(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      ctx.fail(KvsError.INVALID_ARGUMENT.exception("Sign-in takes a JSON body (Content-Type: application/json)"));
      return;
    }
    String keyId;
    String secret;
    try {
      Fields f = Fields.of(ctx);
      keyId = f.string("accessKeyId", 1, 128, KEY_ID, true);
      secret = f.string("secretAccessKey", 1, 128, null, true);
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    Caller.noteKeyId(ctx, keyId);
    sessions.signIn(keyId, secret).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      WebSessions.Opened s = ar.result();
      SessionCookie.set(ctx.response(), s.cookieValue(), s.claims(), clock.getAsLong());
      answer(ctx, s.claims(), s.key());
    });
  }

  private void current(RoutingContext ctx) {
    WebSessions.Verified v = RequestAuthenticator.sessionOf(ctx);
    answer(ctx, v.renewed() != null ? v.renewed() : v.claims(), v.key());
  }

  private void logout(RoutingContext ctx) {
    WebSessions.Verified v = RequestAuthenticator.sessionOf(ctx);
    sessions.signOut(v.claims()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      SessionCookie.clear(ctx.response());
      ctx.response().putHeader("cache-control", "no-store").setStatusCode(204).end();
    });
  }

  private void answer(RoutingContext ctx, WebSessionClaims claims, AccessKey key) {
    JsonObject body = new JsonObject()
        .put("accessKeyId", key.id())
        .put("name", key.name())
        .put("csrfToken", claims.csrfToken())
        .put("idleExpiresAt", claims.idleExpiresAt() / 1000.0)
        .put("maxExpiresAt", claims.maxExpiresAt() / 1000.0);
    ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
        .end(body.encode());
  }
}
