package io.vidlog.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.testing.TestSealer;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Web sign-ins on two nodes that share one object store (and so its keys): sessions made on one
 * are valid on the other, signing out and revoking the key end them everywhere, and a cookie that
 * was altered, made under other keys, or outlived its idle or maximum age is refused.
 */
class WebSessionsTest {
  static final Duration IDLE = Duration.ofMinutes(10);
  static final Duration MAX = Duration.ofHours(1);
  final MemoryObjectStore store = new MemoryObjectStore();
  final TestSealer sealer = new TestSealer();
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  final AccessKeyStore keysA = new AccessKeyStore(store, sealer, GenerationFloor.inMemory(), clock::get);
  final AccessKeyStore keysB = new AccessKeyStore(store, sealer, GenerationFloor.inMemory(), clock::get);
  final WebSessions nodeA = new WebSessions(keysA, store, sealer, new WebSessions.Lifetimes(IDLE, MAX), clock::get);
  final WebSessions nodeB = new WebSessions(keysB, store, sealer, new WebSessions.Lifetimes(IDLE, MAX), clock::get);
  final AccessKeyStore.Resolved viewer = keysA.create("viewer", new Policy(false, Set.of("ListStreams"),
      List.of("cam-*"))).result();

  private static KvsException refusal(Future<?> f) {
    assertTrue(f.failed(), "refused");
    KvsException e = (KvsException) f.cause();
    assertEquals(KvsError.NOT_AUTHORIZED, e.error());
    return e;
  }

  private static AuthRefusal.Reason reason(Future<?> f) {
    return ((AuthRefusal) refusal(f).getCause()).reason();
  }

  @Test
  void theRightSecretOpensASessionThatVerifiesWithTheKeysPolicy() {
    WebSessions.Opened s = nodeA.signIn(viewer.key().id(), viewer.secret()).result();
    assertEquals(viewer.key().id(), s.claims().keyId());
    assertEquals(clock.get() + IDLE.toMillis(), s.claims().idleExpiresAt());
    assertEquals(clock.get() + MAX.toMillis(), s.claims().maxExpiresAt());
    assertFalse(s.cookieValue().contains(viewer.secret()));
    assertFalse(s.cookieValue().contains(s.claims().csrfToken()), "the cookie is sealed, not readable");
    WebSessions.Verified v = nodeA.verify(s.cookieValue()).result();
    assertEquals(viewer.key(), v.key());
    assertTrue(new KeyPrincipal(v.key()).allows("ListStreams", "cam-1"));
    assertFalse(new KeyPrincipal(v.key()).allows("ListStreams", "door-1"));
    assertNull(v.renewed(), "nothing to renew right after sign-in");

    WebSessions.Opened second = nodeA.signIn(viewer.key().id(), viewer.secret()).result();
    assertNotEquals(s.claims().sessionId(), second.claims().sessionId());
    assertNotEquals(s.claims().csrfToken(), second.claims().csrfToken());
  }

  @Test
  void aWrongSecretAndAnUnknownKeyAreRefusedAlike() {
    KvsException wrong = refusal(nodeA.signIn(viewer.key().id(), viewer.secret() + "x"));
    KvsException unknown = refusal(nodeA.signIn("AKIAAAAAAAAAAAAAAAAA", viewer.secret()));
    KvsException empty = refusal(nodeA.signIn(viewer.key().id(), ""));
    assertEquals(AuthRefusal.LOGIN_MESSAGE, wrong.getMessage());
    assertEquals(wrong.getMessage(), unknown.getMessage());
    assertEquals(wrong.getMessage(), empty.getMessage());
    assertEquals(AuthRefusal.Reason.WRONG_SECRET, ((AuthRefusal) wrong.getCause()).reason());
    assertEquals(AuthRefusal.Reason.UNKNOWN_KEY, ((AuthRefusal) unknown.getCause()).reason());
  }

  @Test
  void aSessionMadeOnOneNodeIsValidOnAnother() {
    String cookie = nodeA.signIn(viewer.key().id(), viewer.secret()).result().cookieValue();
    assertEquals(viewer.key(), nodeB.verify(cookie).result().key());
  }

  @Test
  void signingOutEndsTheSessionAtOnceHereAndWithinTheRecheckTimeElsewhere() {
    WebSessions.Opened s = nodeA.signIn(viewer.key().id(), viewer.secret()).result();
    assertTrue(nodeB.verify(s.cookieValue()).succeeded());
    nodeA.signOut(s.claims()).result();
    assertEquals(AuthRefusal.Reason.SESSION_INVALID, reason(nodeA.verify(s.cookieValue())));
    assertTrue(nodeB.verify(s.cookieValue()).succeeded(), "node B trusts what it checked a moment ago");
    clock.addAndGet(WebSessions.RECHECK_MS);
    assertEquals(AuthRefusal.Reason.SESSION_INVALID, reason(nodeB.verify(s.cookieValue())));
  }

  @Test
  void revokingTheKeyEndsItsSessions() {
    String cookie = nodeA.signIn(viewer.key().id(), viewer.secret()).result().cookieValue();
    assertTrue(nodeB.verify(cookie).succeeded());
    assertTrue(keysA.revoke(viewer.key().id()).result());
    assertEquals(AuthRefusal.Reason.SESSION_INVALID, reason(nodeA.verify(cookie)));
    // node B learns of the revocation as it does for signatures: when its cached key expires
    clock.addAndGet(AccessKeyStore.POSITIVE_TTL_MS + 1);
    assertEquals(AuthRefusal.Reason.SESSION_INVALID, reason(nodeB.verify(cookie)));
  }

  @Test
  void anIdleSessionExpiresAndAnActiveOneIsRenewedUntilItsMaximumAge() {
    WebSessions.Opened s = nodeA.signIn(viewer.key().id(), viewer.secret()).result();
    clock.addAndGet(IDLE.toMillis() / 2 - 1);
    assertNull(nodeA.verify(s.cookieValue()).result().renewed(), "not yet half way");
    clock.addAndGet(2);
    WebSessionClaims renewed = nodeA.verify(s.cookieValue()).result().renewed();
    assertNotNull(renewed);
    assertEquals(clock.get() + IDLE.toMillis(), renewed.idleExpiresAt());
    assertEquals(s.claims().sessionId(), renewed.sessionId());
    assertEquals(s.claims().csrfToken(), renewed.csrfToken());
    String renewedCookie = nodeA.cookieValue(renewed);

    clock.addAndGet(IDLE.toMillis() / 2 + 1);
    assertEquals(AuthRefusal.Reason.SESSION_INVALID, reason(nodeA.verify(s.cookieValue())), "the old cookie lapsed");
    assertTrue(nodeA.verify(renewedCookie).succeeded(), "the renewed one lives on");

    // renewed again and again, it still ends at the maximum age
    String cookie = renewedCookie;
    while (clock.get() < s.claims().maxExpiresAt()) {
      WebSessions.Verified v = nodeA.verify(cookie).result();
      if (v.renewed() != null) {
        assertTrue(v.renewed().idleExpiresAt() <= s.claims().maxExpiresAt());
        cookie = nodeA.cookieValue(v.renewed());
      }
      clock.addAndGet(IDLE.toMillis() / 3);
    }
    assertEquals(AuthRefusal.Reason.SESSION_INVALID, reason(nodeA.verify(cookie)));
  }

  @Test
  void alteredForeignAndMalformedCookiesAreRefused() {
    String cookie = nodeA.signIn(viewer.key().id(), viewer.secret()).result().cookieValue();
    char c = cookie.charAt(cookie.length() / 2);
    String altered = cookie.substring(0, cookie.length() / 2) + (c == 'A' ? 'B' : 'A')
        + cookie.substring(cookie.length() / 2 + 1);
    assertEquals(AuthRefusal.Reason.SESSION_INVALID, reason(nodeA.verify(altered)));
    byte[] otherKey = new byte[32];
    otherKey[0] = 1;
    TestSealer otherStoreKeys = new TestSealer(otherKey);
    WebSessions otherStore = new WebSessions(keysA, store, otherStoreKeys, new WebSessions.Lifetimes(IDLE, MAX),
        clock::get);
    assertEquals(AuthRefusal.Reason.SESSION_INVALID, reason(otherStore.verify(cookie)));
    for (String bad : new String[] {"", "x", "!!!", "a".repeat(WebSessionClaims.MAX_TOKEN_CHARS + 1)}) {
      assertEquals(AuthRefusal.Reason.SESSION_INVALID, reason(nodeA.verify(bad)), bad);
    }
  }

  @Test
  void aSessionWhoseRecordIsGoneOrBelongsToAnotherKeyIsRefused() {
    WebSessions.Opened s = nodeA.signIn(viewer.key().id(), viewer.secret()).result();
    store.delete(WebSessions.recordKey(s.claims())).result();
    assertEquals(AuthRefusal.Reason.SESSION_INVALID, reason(nodeB.verify(s.cookieValue())));
  }

  @Test
  void expiredRecordsAreSweptWhenSomeoneSignsIn() {
    WebSessions.Opened old = nodeA.signIn(viewer.key().id(), viewer.secret()).result();
    assertTrue(store.stat(WebSessions.recordKey(old.claims())).succeeded());
    clock.addAndGet(MAX.toMillis() + WebSessions.SWEEP_EVERY_MS);
    WebSessions.Opened fresh = nodeA.signIn(viewer.key().id(), viewer.secret()).result();
    assertTrue(store.stat(WebSessions.recordKey(old.claims())).failed(), "the expired record is gone");
    assertTrue(store.stat(WebSessions.recordKey(fresh.claims())).succeeded());
  }
}
