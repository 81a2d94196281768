package io.vidlog.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.support.BrowserHttp;
import io.vidlog.server.support.BrowserHttp.Login;
import io.vidlog.server.support.TestServers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;

/**
 * The web player's sign-in against a running server, as a browser uses it: the cookie's flags and
 * expiry, refusals, the key's policy on every call, the anti-forgery token, routes a browser may
 * not call, sign-out, revocation and the session's end at its maximum age.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSessionIT {
  static final Set<String> VIEWER_ACTIONS = Set.of("ListStreams", "DescribeStream", "ListFragments",
      "GetHLSStreamingSessionURL", "GetMediaForFragmentList");
  VidlogServer server;
  BrowserHttp browser;
  AccessKeyStore.Resolved camViewer;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = TestServers.start(dir, Map.of());
    browser = new BrowserHttp(server.url());
    camViewer = server.accessKeys().create("cam viewer", new Policy(false, VIEWER_ACTIONS, List.of("cam-*"))).await();
    try (KinesisVideoClient admin = TestServers.adminClient(server)) {
      admin.createStream(r -> r.streamName("cam-1"));
      admin.createStream(r -> r.streamName("door-1"));
    }
  }

  @AfterAll
  void stop() {
    server.stop();
  }

  private static String type(HttpResponse<String> r) {
    return r.headers().firstValue("x-amzn-ErrorType").orElse(null);
  }

  private static String message(HttpResponse<String> r) {
    return new JsonObject(r.body()).getString("Message");
  }

  @Test
  void signingInSetsAStrictSecureHttpOnlyCookieThatExpiresWithTheSession() throws Exception {
    Login login = browser.login(camViewer.key().id(), camViewer.secret());
    assertEquals(200, login.response().statusCode(), login.response().body());
    Map<String, String> a = login.attributes();
    assertNotNull(a, "a session cookie is set");
    assertTrue(a.containsKey("httponly"), a.toString());
    assertTrue(a.containsKey("secure"), a.toString());
    assertEquals("strict", a.get("samesite").toLowerCase(java.util.Locale.ROOT), a.toString());
    assertEquals("/", a.get("path"), a.toString());
    assertFalse(a.containsKey("domain"), "a __Host- cookie has no Domain");
    long maxAge = Long.parseLong(a.get("max-age"));
    long idle = server.config().security().webSessionIdle().toSeconds();
    assertTrue(maxAge > idle - 5 && maxAge <= idle, "Max-Age " + maxAge + " is the idle lifetime " + idle);

    JsonObject body = new JsonObject(login.response().body());
    assertEquals(camViewer.key().id(), body.getString("accessKeyId"));
    assertEquals("cam viewer", body.getString("name"));
    assertNotNull(login.csrf());
    assertFalse(login.response().body().contains(camViewer.secret()), "the secret is never sent back");
    assertFalse(login.cookie().contains(camViewer.secret()));
    assertEquals("no-store", login.response().headers().firstValue("cache-control").orElse(null));

    HttpResponse<String> me = browser.send("GET", "/session", null, login.cookie(), null);
    assertEquals(200, me.statusCode(), me.body());
    assertEquals(login.csrf(), new JsonObject(me.body()).getString("csrfToken"), "a reloaded page gets its token back");
  }

  @Test
  void aWrongSecretAndAnUnknownKeyAreRefusedWithOneMessageAndNoCookie() throws Exception {
    for (Login l : List.of(browser.login(camViewer.key().id(), camViewer.secret() + "x"),
        browser.login("AKIAZZZZZZZZZZZZZZZZ", camViewer.secret()))) {
      assertEquals(401, l.response().statusCode(), l.response().body());
      assertEquals("NotAuthorizedException", type(l.response()));
      assertEquals(AuthRefusal.LOGIN_MESSAGE, message(l.response()));
      assertNull(l.attributes(), "no cookie for a refused sign-in");
    }
  }

  @Test
  void signInTakesOnlyJsonSoOtherSitesCannotPostAFormToIt() throws Exception {
    HttpResponse<String> r = browser.send("POST", "/session/login", "accessKeyId=" + camViewer.key().id()
        + "&secretAccessKey=" + camViewer.secret(), Map.of("content-type", "application/x-www-form-urlencoded"));
    assertEquals(400, r.statusCode(), r.body());
    assertNull(BrowserHttp.cookieAttributes(r));
  }

  @Test
  void eachCallIsCheckedAgainstTheKeysPolicy() throws Exception {
    Login login = browser.login(camViewer.key().id(), camViewer.secret());
    HttpResponse<String> list = browser.send("POST", "/listStreams", "{}", login.cookie(), login.csrf());
    assertEquals(200, list.statusCode(), list.body());
    List<String> names = new ArrayList<>();
    new JsonObject(list.body()).getJsonArray("StreamInfoList").forEach(s -> names.add(((JsonObject) s)
        .getString("StreamName")));
    assertEquals(List.of("cam-1"), names, "a key without access to door-1 does not see it");

    HttpResponse<String> own = browser.send("POST", "/listFragments", "{\"StreamName\":\"cam-1\"}", login.cookie(),
        login.csrf());
    assertEquals(200, own.statusCode(), own.body());
    assertEquals(new JsonArray(), new JsonObject(own.body()).getJsonArray("Fragments"));
    HttpResponse<String> other = browser.send("POST", "/listFragments", "{\"StreamName\":\"door-1\"}", login.cookie(),
        login.csrf());
    assertEquals(401, other.statusCode(), other.body());
    assertTrue(message(other).contains("is not authorized to perform: kinesisvideo:ListFragments on resource: door-1"),
        other.body());
  }

  @Test
  void aCookieWithoutTheAntiForgeryTokenIsRefused() throws Exception {
    Login login = browser.login(camViewer.key().id(), camViewer.secret());
    Login other = browser.login(camViewer.key().id(), camViewer.secret());
    for (String csrf : new String[] {null, "", other.csrf(), login.csrf() + "x"}) {
      HttpResponse<String> r = browser.send("POST", "/listStreams", "{}", login.cookie(), csrf);
      assertEquals(401, r.statusCode(), csrf + ": " + r.body());
      assertEquals(AuthRefusal.CSRF_MESSAGE, message(r));
    }
    HttpResponse<String> logout = browser.send("POST", "/session/logout", null, login.cookie(), null);
    assertEquals(401, logout.statusCode(), "signing out needs the token too");
    assertEquals(200, browser.send("GET", "/session", null, login.cookie(), null).statusCode(), "still signed in");
  }

  @Test
  void aSessionIsRefusedOnRoutesThePageDoesNotCallEvenForAnAdminKey() throws Exception {
    var admin = server.admin().credentials();
    Login login = browser.login(admin.accessKeyId(), admin.secretAccessKey());
    assertEquals(200, login.response().statusCode());
    for (String path : List.of("/createStream", "/deleteStream", "/updateDataRetention", "/getMedia", "/tagStream")) {
      HttpResponse<String> r = browser.send("POST", path, "{\"StreamName\":\"cam-9\"}", login.cookie(), login.csrf());
      assertEquals(401, r.statusCode(), path + ": " + r.body());
      assertEquals(AuthRefusal.SESSION_MESSAGE, message(r), path);
    }
    HttpResponse<String> metrics = browser.send("GET", "/metrics", null, login.cookie(), null);
    assertEquals(401, metrics.statusCode(), metrics.body());
    HttpResponse<String> list = browser.send("POST", "/listStreams", "{}", login.cookie(), login.csrf());
    assertEquals(200, list.statusCode(), "the same session may list streams");
  }

  @Test
  void signingOutEndsTheSessionOnTheServer() throws Exception {
    Login login = browser.login(camViewer.key().id(), camViewer.secret());
    HttpResponse<String> out = browser.send("POST", "/session/logout", null, login.cookie(), login.csrf());
    assertEquals(204, out.statusCode(), out.body());
    Map<String, String> cleared = BrowserHttp.cookieAttributes(out);
    assertEquals("0", cleared.get("max-age"), "the browser drops the cookie");
    // a copy of the cookie kept by someone is worth nothing now
    assertEquals(401, browser.send("GET", "/session", null, login.cookie(), null).statusCode());
    HttpResponse<String> list = browser.send("POST", "/listStreams", "{}", login.cookie(), login.csrf());
    assertEquals(401, list.statusCode());
    assertEquals(AuthRefusal.SESSION_MESSAGE, message(list));
  }

  @Test
  void revokingTheKeyEndsItsSessions() throws Exception {
    AccessKeyStore.Resolved k = server.accessKeys().create("short-lived", new Policy(false, VIEWER_ACTIONS,
        List.of("*"))).await();
    Login login = browser.login(k.key().id(), k.secret());
    assertEquals(200, browser.send("POST", "/listStreams", "{}", login.cookie(), login.csrf()).statusCode());
    assertTrue(server.accessKeys().revoke(k.key().id()).await());
    HttpResponse<String> r = browser.send("POST", "/listStreams", "{}", login.cookie(), login.csrf());
    assertEquals(401, r.statusCode(), r.body());
    assertEquals(AuthRefusal.SESSION_MESSAGE, message(r));
  }

  @Test
  void anActiveSessionIsRenewedAndStillEndsAtItsMaximumAge(@TempDir Path dir) throws Exception {
    VidlogServer shortLived = TestServers.start(dir, Map.of("web-session-idle", "2s", "web-session-max", "5s"));
    try {
      AccessKeyStore.Resolved k = shortLived.accessKeys().create("v", new Policy(false, VIEWER_ACTIONS,
          List.of("*"))).await();
      BrowserHttp b = new BrowserHttp(shortLived.url());
      Login login = b.login(k.key().id(), k.secret());
      double maxExpiresAt = new JsonObject(login.response().body()).getDouble("maxExpiresAt");
      String[] cookie = {login.cookie()};
      List<String> renewals = new ArrayList<>();
      Conditions.await("the session ends", () -> {
        try {
          HttpResponse<String> r = b.send("GET", "/session", null, cookie[0], null);
          if (r.statusCode() != 200) {
            assertEquals(401, r.statusCode(), r.body());
            return true;
          }
          assertEquals(maxExpiresAt, new JsonObject(r.body()).getDouble("maxExpiresAt"), "renewal keeps the maximum");
          Map<String, String> renewed = BrowserHttp.cookieAttributes(r);
          if (renewed != null) {
            assertNotEquals(cookie[0], renewed.get(BrowserHttp.COOKIE));
            assertTrue(Long.parseLong(renewed.get("max-age")) <= 2, renewed.toString());
            renewals.add(renewed.get(BrowserHttp.COOKIE));
            cookie[0] = renewed.get(BrowserHttp.COOKIE);
          }
          return false;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertFalse(renewals.isEmpty(), "an active session was renewed before it ended");
      assertEquals(401, b.send("GET", "/session", null, login.cookie(), null).statusCode(),
          "the first cookie ended too");
    } finally {
      shortLived.stop();
    }
  }
}
