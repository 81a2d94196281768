package io.vidlog.server.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The web player's sign-ins. Signing in checks an access key's secret (in constant time) and opens a
 * session: a record in the object store ({@code system/web-sessions/<max expiry>-<session id>},
 * sealed) and a cookie holding the sealed {@link WebSessionClaims}. A session is valid while
 * <ul>
 *   <li>its cookie opens (so it was made by a node holding the store's keys and is unaltered),</li>
 *   <li>neither its idle nor its maximum expiry has passed,</li>
 *   <li>its record exists (signing out deletes it; other nodes see that within {@link #RECHECK_MS}),</li>
 *   <li>and its access key is still valid ({@link AccessKeyStore#find}, as for a signature: a revoked
 *       key's sessions end with it).</li>
 * </ul>
 * Every node sharing the store accepts every session. The key's policy is not in the session: it is
 * read with the key on every request, exactly as for a signed request.
 */
public final class WebSessions {
  static final String RECORDS = "system/web-sessions/";
  /** How long a node trusts that a session's record still exists before reading it again. */
  static final long RECHECK_MS = 5_000;
  /** Expired records are swept at most this often, by the node signing someone in. */
  static final long SWEEP_EVERY_MS = 10 * 60_000;
  private static final int SWEEP_BATCH = 1000;
  private static final int MAX_CACHED = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How long sessions last. */
  public record Lifetimes(Duration idle, Duration max) {}

  /** A session that checked out, with the key's current state and a renewed cookie when one is due. */
  public record Verified(WebSessionClaims claims, AccessKey key, WebSessionClaims renewed) {}

  /** A new session and the cookie value that carries it. */
  public record Opened(WebSessionClaims claims, AccessKey key, String cookieValue) {}

  private final AccessKeyStore keys;
  private final ObjectStore store;
  private final ObjectSealer sealer;
  private final Lifetimes lifetimes;
  private final LongSupplier clock;
  private final Map<String, Long> recordSeen = new ConcurrentHashMap<>();
  private volatile long lastSweep;

  public WebSessions(AccessKeyStore keys, ObjectStore store, ObjectSealer sealer, Lifetimes lifetimes,
      LongSupplier clockMillis) {
    this.keys = keys;
    this.store = store;
    this.sealer = sealer;
    this.lifetimes = lifetimes;
    this.clock = clockMillis;
  }

  public Lifetimes lifetimes() {
    return lifetimes;
  }

  /**
   * Opens a session for the key {@code keyId} if {@code secret} is its secret; otherwise fails with
   * the one refusal for an unknown key and a wrong secret alike. The secrets are compared by their
   * SHA-256 digests with {@link MessageDigest#isEqual} (time independent of where they differ, and of
   * their lengths), and an unknown key is compared against a random secret, so timing tells nothing.
   */
  public Future<Opened> signIn(String keyId, String secret) {
    return keys.find(keyId).compose(found -> {
      byte[] expected = sha256(found == null ? randomToken() : found.secret());
      boolean match = MessageDigest.isEqual(expected, sha256(secret == null ? "" : secret));
      if (found == null || !match) {
        return Future.failedFuture(AuthRefusal.refusedBrowser(found == null ? AuthRefusal.Reason.UNKNOWN_KEY
            : AuthRefusal.Reason.WRONG_SECRET, found == null ? null : keyId, "web sign-in refused"));
      }
      long now = clock.getAsLong();
      WebSessionClaims claims = new WebSessionClaims(randomToken(), found.key().id(), randomToken(), now,
          Math.min(now + lifetimes.idle().toMillis(), now + lifetimes.max().toMillis()),
          now + lifetimes.max().toMillis());
      Buffer record = Buffer.buffer(sealer.seal(recordContext(claims), new JsonObject().put("key", claims.keyId())
          .toBuffer().getBytes()));
      return store.put(recordKey(claims), record).map(v -> {
        recordSeen.put(claims.sessionId(), now);
        sweepIfDue(now);
        return new Opened(claims, found.key(), claims.seal(sealer));
      });
    });
  }

  /** The session a cookie value carries, or a failure (NotAuthorizedException) when it is not valid. */
  public Future<Verified> verify(String cookieValue) {
    WebSessionClaims claims = WebSessionClaims.open(sealer, cookieValue);
    if (claims == null) {
      return refused(null, "the session cookie does not open");
    }
    long now = clock.getAsLong();
    if (claims.expiredAt(now)) {
      return refused(claims.keyId(), "the session expired");
    }
    return recordExists(claims, now).compose(open -> {
      if (!open) {
        return refused(claims.keyId(), "the session was signed out");
      }
      return keys.find(claims.keyId());
    }).compose(found -> {
      if (found == null) {
        return refused(claims.keyId(), "the session's access key is no longer valid");
      }
      return Future.succeededFuture(new Verified(claims, found.key(),
          claims.renewedAt(now, lifetimes.idle().toMillis())));
    });
  }

  /** The cookie value of renewed claims. */
  public String cookieValue(WebSessionClaims claims) {
    return claims.seal(sealer);
  }

  /** Ends a session on every node: its record is deleted (other nodes notice within {@link #RECHECK_MS}). */
  public Future<Void> signOut(WebSessionClaims claims) {
    recordSeen.remove(claims.sessionId());
    return store.delete(recordKey(claims));
  }

  private Future<Boolean> recordExists(WebSessionClaims claims, long now) {
    Long seen = recordSeen.get(claims.sessionId());
    if (seen != null && now - seen < RECHECK_MS) {
      return Future.succeededFuture(true);
    }
    return store.get(recordKey(claims)).map(b -> {
      boolean same;
      try {
        JsonObject record = new JsonObject(Buffer.buffer(sealer.open(recordContext(claims), b.getBytes())));
        same = claims.keyId().equals(record.getString("key"));
      } catch (StoreException | io.vertx.core.json.DecodeException | ClassCastException e) {
        // a record that does not verify is no record: the session is not valid
        same = false;
      }
      if (same) {
        if (recordSeen.size() >= MAX_CACHED) {
          recordSeen.clear();
        }
        recordSeen.put(claims.sessionId(), now);
      }
      return same;
    }).recover(t -> StoreException.isNotFound(t) ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  /**
   * Deletes the records of sessions past their maximum age: their names start with that time, so
   * the oldest come first in a listing and no record needs to be read.
   */
  private void sweepIfDue(long now) {
    if (now - lastSweep < SWEEP_EVERY_MS) {
      return;
    }
    lastSweep = now;
    String horizon = RECORDS + expiryPrefix(now);
    store.list(RECORDS, null, SWEEP_BATCH).onSuccess(infos -> {
      for (ObjectInfo i : infos) {
        if (i.key().compareTo(horizon) < 0) {
          store.delete(i.key());
        }
      }
    });
  }

  static String recordKey(WebSessionClaims claims) {
    return RECORDS + expiryPrefix(claims.maxExpiresAt()) + "-" + claims.sessionId();
  }

  /** Seconds since the epoch, zero-padded so that names sort by time. */
  private static String expiryPrefix(long millis) {
    return String.format("%012d", Math.max(0, millis / 1000));
  }

  private static SealContext recordContext(WebSessionClaims claims) {
    return new SealContext(SealContext.SYSTEM, "web-session-record", claims.sessionId());
  }

  private static <T> Future<T> refused(String keyId, String why) {
    return Future.failedFuture(AuthRefusal.refusedBrowser(AuthRefusal.Reason.SESSION_INVALID, keyId, why));
  }

  private static String randomToken() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }
}
