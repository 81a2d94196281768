package io.vidlog.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.KvsActions;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.auth.AccessKeyStore;
import io.vidlog.server.auth.AuthRefusal;
import io.vidlog.server.auth.Policy;
import io.vidlog.server.auth.RequestAuthenticator;
import io.vidlog.server.support.BrowserHttp;
import io.vidlog.webplayer.WebPlayerAssets;
import io.vidlog.server.support.SignedHttp;
import io.vidlog.server.support.SignedHttp.Spec;
import io.vidlog.server.support.TestServers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Fail-closed authorization, route by route, enumerated from the running server's router: every
 * route that claims a path has a declaration; an unsigned request is refused on every route not
 * declared PUBLIC; a request signed by a key whose policy lacks the route's action (every other
 * action granted, on every stream) is refused; and a key with only that action gets past the check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteAuthIT {
  private static final String BODY = "{\"StreamName\":\"cam-1\"}";
  VidlogServer server;
  SignedHttp http;
  final Map<KvsAction, AccessKeyStore.Resolved> lacking = new HashMap<>();
  final Map<KvsAction, AccessKeyStore.Resolved> only = new HashMap<>();
  AccessKeyStore.Resolved everythingButAdmin;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = TestServers.start(dir, Map.of());
    http = new SignedHttp(server.url());
    AccessKeyStore keys = server.accessKeys();
    for (KvsAction a : KvsAction.values()) {
      Set<String> others = new HashSet<>(KvsActions.KNOWN);
      others.remove(a.actionName());
      lacking.put(a, keys.create("lacks-" + a, new Policy(false, others, List.of("*"))).await());
      only.put(a, keys.create("only-" + a, new Policy(false, Set.of(a.actionName()), List.of("*"))).await());
    }
    everythingButAdmin = keys.create("all-actions", new Policy(false, Set.of("*"), List.of("*"))).await();
  }

  @AfterAll
  void stop() {
    server.stop();
  }

  /** The mounted routes that claim a path, each with its declaration. */
  private Map<String, ApiRoute> mounted() {
    Map<String, ApiRoute> declared = new HashMap<>();
    server.declaredRoutes().forEach(r -> declared.put(r.method() + " " + r.path(), r));
    Map<String, ApiRoute> out = new HashMap<>();
    for (Route r : server.mountedRoutes()) {
      if (r.getPath() == null) {
        continue;
      }
      for (HttpMethod m : r.methods()) {
        String key = m + " " + r.getPath();
        assertTrue(declared.containsKey(key), "mounted without a declaration: " + key);
        out.put(key, declared.get(key));
      }
    }
    return out;
  }

  @Test
  void everyDeclarationIsMountedAndEveryMountedRouteIsDeclared() {
    Map<String, ApiRoute> mounted = mounted();
    Set<String> declared = new TreeSet<>();
    server.declaredRoutes().forEach(r -> declared.add(r.method() + " " + r.path()));
    assertEquals(declared, new TreeSet<>(mounted.keySet()));
    assertTrue(mounted.size() >= 19, "the KVS APIs, ops and ingest are all there: " + mounted.keySet());
    Set<String> open = new TreeSet<>(List.of("/health", "/session/login", "/hls/v1/getHLSMasterPlaylist.m3u8",
        "/hls/v1/getHLSMediaPlaylist.m3u8", "/hls/v1/getMP4InitFragment.mp4", "/hls/v1/getMP4MediaFragment.mp4",
        "/hls/v1/getTSFragment.ts", "/dash/v1/getDASHManifest.mpd", "/dash/v1/getMP4InitFragment.mp4",
        "/dash/v1/getMP4MediaFragment.mp4"));
    WebPlayerAssets.all().forEach(a -> open.add(a.path()));
    assertEquals(open, new TreeSet<>(mounted.values().stream().filter(r -> r.access() == ApiRoute.Access.PUBLIC)
        .map(ApiRoute::path).toList()), "only /health, the HLS and DASH URL families (which authenticate by session token), "
        + "the web player's files and its sign-in are open");
    for (ApiRoute r : mounted.values()) {
      if (r.access() == ApiRoute.Access.PUBLIC && !r.path().equals("/session/login")) {
        assertTrue(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS).contains(r.method()),
            r + ": an open route only reads");
      }
    }
  }

  @Test
  void unsignedRequestsAreRefusedOnEveryRouteThatIsNotPublic() throws Exception {
    for (ApiRoute r : mounted().values()) {
      HttpResponse<String> resp = http.unsigned(r.method().name(), r.path(),
          r.body() == ApiRoute.Body.NONE ? null : BODY, Map.of("x-amzn-stream-name", List.of("cam-1")));
      if (r.access() == ApiRoute.Access.PUBLIC && (r.path().startsWith("/hls/") || r.path().startsWith("/dash/"))) {
        assertHlsRefusesWithoutAValidToken(r, resp);
      } else if (r.access() == ApiRoute.Access.PUBLIC && r.method() == HttpMethod.GET) {
        assertEquals(200, resp.statusCode(), r + ": " + resp.body());
      } else if (r.access() == ApiRoute.Access.PUBLIC) {
        // the sign-in checks what it is given itself: this body is no sign-in
        assertEquals(400, resp.statusCode(), r + ": " + resp.body());
        assertTrue(resp.headers().allValues("set-cookie").isEmpty(), r.toString());
      } else {
        assertEquals(401, resp.statusCode(), r + ": " + resp.body());
        assertEquals("NotAuthorizedException", resp.headers().firstValue("x-amzn-ErrorType").orElse(null), r.toString());
      }
    }
  }

  /**
   * An HLS resource without a session token, or with one that is not a token this server signed, is
   * refused with 403 NotAuthorizedException; only the CORS preflight (OPTIONS) answers without one,
   * and it says nothing about any session.
   */
  private void assertHlsRefusesWithoutAValidToken(ApiRoute r, HttpResponse<String> missing) throws Exception {
    if (r.method() == HttpMethod.OPTIONS) {
      assertEquals(204, missing.statusCode(), r.toString());
      return;
    }
    String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[120]);
    HttpResponse<String> bad = http.unsigned(r.method().name(), r.path() + "?SessionToken=" + forged
        + "&TrackNumber=1&FragmentNumber=1", null, Map.of());
    for (HttpResponse<String> resp : List.of(missing, bad)) {
      assertEquals(403, resp.statusCode(), r + ": " + resp.body());
      assertEquals("NotAuthorizedException", resp.headers().firstValue("x-amzn-ErrorType").orElse(null), r.toString());
    }
  }

  @Test
  void aKeyWithoutTheRoutesActionIsRefusedAndOneWithOnlyThatActionGetsThrough() throws Exception {
    Set<KvsAction> checked = new HashSet<>();
    for (ApiRoute r : mounted().values()) {
      if (r.access() != ApiRoute.Access.SIGNED) {
        continue;
      }
      checked.add(r.action());
      HttpResponse<String> refused = send(r, lacking.get(r.action()));
      assertEquals(401, refused.statusCode(), r + ": " + refused.body());
      String type = refused.headers().firstValue("x-amzn-ErrorType").orElse("");
      assertEquals(r.action().family() == KvsAction.Family.CONTROL ? "AccessDeniedException" : "NotAuthorizedException",
          type, r + ": " + refused.body());
      assertTrue(new JsonObject(refused.body()).getString("Message").contains("kinesisvideo:" + r.action().actionName()),
          refused.body());

      // through the route table to the handler: a success or the handler's own answer (the stream
      // does not exist, the body is not what the API wants), never an authorization refusal or a 5xx
      HttpResponse<String> allowed = send(r, only.get(r.action()));
      String what = r + " with only " + r.action() + ": " + allowed.statusCode() + " " + allowed.body();
      assertTrue(allowed.statusCode() < 500, what);
      if (allowed.statusCode() >= 400) {
        String answered = allowed.headers().firstValue("x-amzn-ErrorType").orElse(null);
        assertNotNull(answered, what);
        assertFalse(Set.of("NotAuthorizedException", "AccessDeniedException").contains(answered), what);
      }
    }
    assertEquals(java.util.EnumSet.allOf(KvsAction.class), checked, "every KVS action has a route");
  }

  @Test
  void adminRoutesRefuseKeysThatAreNotAdmin() throws Exception {
    for (ApiRoute r : mounted().values()) {
      if (r.access() != ApiRoute.Access.ADMIN) {
        continue;
      }
      HttpResponse<String> refused = send(r, everythingButAdmin);
      assertEquals(401, refused.statusCode(), r + ": " + refused.body());
      assertEquals("AccessDeniedException", refused.headers().firstValue("x-amzn-ErrorType").orElse(null));
      var admin = server.admin().credentials();
      HttpResponse<String> ok = http.send(http.sign(new Spec(r.method().name(), r.path(), Map.of(), null,
          admin.accessKeyId(), admin.secretAccessKey(), java.time.Clock.systemUTC(), null)), null);
      assertEquals(200, ok.statusCode(), r + ": " + ok.body());
    }
  }

  /**
   * A browser's session cookie (of a key that may do everything but administer) is accepted only on
   * the SIGNED routes whose action the web player uses and on the SESSION routes; every other route
   * refuses it, and a route that accepts it refuses it without the anti-forgery token.
   */
  @Test
  void aSessionCookieIsAcceptedOnlyOnTheRoutesTheWebPlayerCalls() throws Exception {
    BrowserHttp browser = new BrowserHttp(server.url());
    BrowserHttp.Login login = browser.login(everythingButAdmin.key().id(), everythingButAdmin.secret());
    assertEquals(200, login.response().statusCode(), login.response().body());
    int accepted = 0;
    for (ApiRoute r : mounted().values()) {
      if (r.access() == ApiRoute.Access.PUBLIC) {
        continue;
      }
      String body = r.body() == ApiRoute.Body.NONE ? null : BODY;
      boolean browserRoute = r.access() == ApiRoute.Access.SESSION
          || (r.access() == ApiRoute.Access.SIGNED && RequestAuthenticator.BROWSER_ACTIONS.contains(r.action()));
      boolean needsToken = r.method() != HttpMethod.GET;
      if (r.path().equals("/session/logout")) {
        continue; // would end the session; WebSessionIT signs out
      }
      HttpResponse<String> withToken = browser.send(r.method().name(), r.path(), body, login.cookie(), login.csrf());
      String what = r + ": " + withToken.statusCode() + " " + withToken.body();
      if (!browserRoute) {
        assertEquals(401, withToken.statusCode(), what);
        assertEquals(AuthRefusal.SESSION_MESSAGE, new JsonObject(withToken.body()).getString("Message"), what);
        continue;
      }
      accepted++;
      assertTrue(withToken.statusCode() < 500, what);
      assertFalse(withToken.statusCode() == 401, what);
      if (needsToken) {
        HttpResponse<String> without = browser.send(r.method().name(), r.path(), body, login.cookie(), null);
        assertEquals(401, without.statusCode(), r + " without the token: " + without.body());
        assertEquals(AuthRefusal.CSRF_MESSAGE, new JsonObject(without.body()).getString("Message"), r.toString());
      }
    }
    assertTrue(accepted >= 5, "ListStreams, DescribeStream, ListFragments, GetMediaForFragmentList, GET /session: "
        + accepted);
  }

  private HttpResponse<String> send(ApiRoute r, AccessKeyStore.Resolved key) throws Exception {
    if (r.body() == ApiRoute.Body.STREAM) {
      SdkHttpRequest signed = http.signStreaming(key.key().id(), key.secret());
      // the signer signed its aws-chunked length; send that many raw bytes, as AWS's PutMedia client does
      int length = Integer.parseInt(signed.firstMatchingHeader("Content-Length").orElseThrow());
      return http.send(signed, "POST", r.path(), null, "E".repeat(length));
    }
    String body = r.body() == ApiRoute.Body.NONE ? null : BODY;
    SdkHttpRequest signed = http.sign(new Spec(r.method().name(), r.path(), Map.of(), body, key.key().id(),
        key.secret(), java.time.Clock.systemUTC(), null));
    return http.send(signed, body);
  }
}
