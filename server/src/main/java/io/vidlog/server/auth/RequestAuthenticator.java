package io.vidlog.server.auth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.Principal;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.kvs.http.Caller;
import io.vidlog.kvs.http.RouteMounter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The route table's one authenticator: it alone decides which credentials a route accepts.
 * <ul>
 *   <li>A request that carries a signature ({@code Authorization} header or a presigned query) is
 *       verified as SigV4 ({@link SigV4Authenticator}), whatever cookies it has.</li>
 *   <li>A request with the web player's session cookie and no signature is a browser's: accepted only
 *       on SESSION routes and on SIGNED routes whose action the page uses ({@link #BROWSER_ACTIONS});
 *       the session must be valid ({@link WebSessions#verify}); and any method but GET must carry the
 *       session's anti-forgery token in {@value SessionCookie#CSRF_HEADER} (SameSite=Strict already
 *       keeps other sites' requests from carrying the cookie; the token also covers browsers and
 *       same-site hosts where it would not). The principal is the session's access key, read
 *       afresh, so its policy is checked on every call exactly as for a signature.</li>
 *   <li>Anything else goes to SigV4 verification and is refused there.</li>
 * </ul>
 */
public final class RequestAuthenticator implements RouteMounter.Authenticator {
  /** What a browser session may call: what the web player reads, never a write or an admin route. */
  public static final Set<KvsAction> BROWSER_ACTIONS = Set.copyOf(EnumSet.of(KvsAction.LIST_STREAMS,
      KvsAction.DESCRIBE_STREAM, KvsAction.LIST_FRAGMENTS, KvsAction.GET_MEDIA_FOR_FRAGMENT_LIST,
      KvsAction.GET_HLS_STREAMING_SESSION_URL, KvsAction.GET_CLIP, KvsAction.GET_IMAGES));
  private static final String SESSION = "vidlog.webSession";

  private final SigV4Authenticator sigV4;
  private final WebSessions sessions;
  private final LongSupplier clock;

  public RequestAuthenticator(SigV4Authenticator sigV4, WebSessions sessions, LongSupplier clockMillis) {
    this.sigV4 = sigV4;
    this.sessions = sessions;
    this.clock = clockMillis;
  }

  @Override
  public Future<Principal> authenticate(RoutingContext ctx, ApiRoute route) {
    HttpServerRequest req = ctx.request();
    String cookie = SessionCookie.read(req);
    if (route.access() == ApiRoute.Access.SESSION) {
      return cookie == null ? refused(AuthRefusal.Reason.SESSION_INVALID, "no session cookie")
          : browser(ctx, cookie);
    }
    if (signed(req) || cookie == null) {
      return sigV4.authenticate(ctx, route);
    }
    if (route.access() != ApiRoute.Access.SIGNED || !BROWSER_ACTIONS.contains(route.action())) {
      return refused(AuthRefusal.Reason.SESSION_INVALID, "a browser session may not call " + route);
    }
    return browser(ctx, cookie);
  }

  /** The verified session of a SESSION route's request; NotAuthorizedException when there is none (fail closed). */
  public static WebSessions.Verified sessionOf(RoutingContext ctx) {
    Object v = ctx.get(SESSION);
    if (v instanceof WebSessions.Verified verified) {
      return verified;
    }
    throw KvsError.NOT_AUTHORIZED.exception(AuthRefusal.SESSION_MESSAGE);
  }

  private Future<Principal> browser(RoutingContext ctx, String cookie) {
    return sessions.verify(cookie).compose(v -> {
      Caller.noteKeyId(ctx, v.claims().keyId());
      HttpMethod m = ctx.request().method();
      if (m != HttpMethod.GET && m != HttpMethod.HEAD && !tokenMatches(ctx.request().getHeader(SessionCookie.CSRF_HEADER),
          v.claims().csrfToken())) {
        return Future.failedFuture(AuthRefusal.refusedBrowser(AuthRefusal.Reason.MISSING_CSRF_TOKEN, v.claims().keyId(),
            "no or wrong " + SessionCookie.CSRF_HEADER + " header"));
      }
      if (v.renewed() != null) {
        SessionCookie.set(ctx.response(), sessions.cookieValue(v.renewed()), v.renewed(), clock.getAsLong());
      }
      ctx.put(SESSION, v);
      return Future.succeededFuture(new KeyPrincipal(v.key()));
    });
  }

  /** A request that claims a signature, in either form: it is SigV4's to accept or refuse. */
  private static boolean signed(HttpServerRequest req) {
    String query = req.query();
    return req.getHeader("authorization") != null || (query != null && query.contains("X-Amz-"));
  }

  private static boolean tokenMatches(String sent, String expected) {
    return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8));
  }

  private static Future<Principal> refused(AuthRefusal.Reason reason, String detail) {
    return Future.failedFuture(AuthRefusal.refusedBrowser(reason, null, detail));
  }
}
