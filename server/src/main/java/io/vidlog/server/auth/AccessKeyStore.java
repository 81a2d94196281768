package io.vidlog.server.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.server.logging.RateLimitedLog;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Access keys in the object store, so every node on the same store sees the same keys:
 * <ul>
 *   <li>each key's whole record sealed and bound to its id under {@code system/access-keys/<id>}
 *       ({@link AccessKeyRecords});</li>
 *   <li>the sealed set of valid ids with a generation, {@code system/access-key-set} ({@link KeySet}):
 *       a key is valid only while it is in the set;</li>
 *   <li>the highest generation this node has seen ({@link GenerationFloor}): an older set is refused.</li>
 * </ul>
 * A record that does not verify, or a set that was rolled back, is logged (rate-limited, never a
 * secret) and the key treated as absent. Lookups are cached for {@link #POSITIVE_TTL_MS} (a key
 * revoked on another node stops working within that time, unless the store is unreachable: then a
 * key read before keeps working until the store answers again) and unknown ids for
 * {@link #NEGATIVE_TTL_MS}; an id missing from the cached set re-reads it at most every
 * {@link #MISS_REFRESH_MS} (a key just created elsewhere), so a flood of bogus ids costs at most one
 * store read a second and never a record read.
 *
 * <p>Changes (create, revoke) come from the {@code keys} command and the first start of a new store:
 * each writes the set and reads it back, and repeats when another writer's change replaced its own.
 */
public final class AccessKeyStore {
  public static final String PREFIX = "system/access-keys/";
  static final long POSITIVE_TTL_MS = 30_000;
  static final long NEGATIVE_TTL_MS = 5_000;
  static final long MISS_REFRESH_MS = 1_000;
  private static final int WRITE_ATTEMPTS = 5;
  private static final int MAX_CACHED = 10_000;
  private static final Pattern ID = Pattern.compile("[A-Z0-9]{16,128}");
  private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final Logger LOG = LoggerFactory.getLogger(AccessKeyStore.class);

  /** A key with its secret, as the verifier needs it. */
  public record Resolved(AccessKey key, String secret) {
    @Override
    public String toString() {
      return "Resolved[" + key + "]";
    }
  }

  /** How a stored key stands, for {@code keys list}. */
  public enum Status {
    VALID("valid"),
    NOT_IN_KEY_SET("refused: not in the key set (revoked, or put back from a backup)"),
    UNSEALED("refused: unsealed record of an earlier version (recreate the key)"),
    DOES_NOT_VERIFY("refused: the record does not verify"),
    RECORD_MISSING("refused: in the key set but its record is missing");

    private final String text;

    Status(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** One stored key as listed: {@code key} is null when its record cannot be read. */
  public record Listed(String id, AccessKey key, Status status) {}

  /** What the store holds, for the first-start decision. */
  public record Inventory(boolean keySetPresent, boolean anyRecords, boolean rolledBack) {
    /** No key was ever written here: the only case in which an admin key is created on start. */
    public boolean newStore() {
      return !keySetPresent && !anyRecords && !rolledBack;
    }
  }

  private record Cached(Resolved value, long expiresAt) {}

  private record CachedSet(KeySet set, long readAt) {}

  private final ObjectStore store;
  private final ObjectSealer sealer;
  private final GenerationFloor floor;
  private final LongSupplier clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final RateLimitedLog refusedRecords = new RateLimitedLog(LOG, Level.WARN, Duration.ofSeconds(60));
  private final RateLimitedLog keySetRefused = new RateLimitedLog(LOG, Level.ERROR, Duration.ofSeconds(60));
  private final RateLimitedLog storeUnavailable = new RateLimitedLog(LOG, Level.WARN, Duration.ofSeconds(60));
  private volatile CachedSet keySet;
  private Future<KeySet> loading;

  public AccessKeyStore(ObjectStore store, ObjectSealer sealer, GenerationFloor floor, LongSupplier clockMillis) {
    this.store = store;
    this.sealer = sealer;
    this.floor = floor;
    this.clock = clockMillis;
  }

  public AccessKeyStore(ObjectStore store, ObjectSealer sealer, GenerationFloor floor) {
    this(store, sealer, floor, System::currentTimeMillis);
  }

  /** The key with this id, or null when there is none, it was revoked, or its record is refused. */
  public Future<Resolved> find(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return Future.succeededFuture(null);
    }
    Cached c = cache.get(id);
    if (c != null && c.expiresAt > clock.getAsLong()) {
      return Future.succeededFuture(c.value);
    }
    return keySet(POSITIVE_TTL_MS)
        .compose(set -> set.ids().contains(id) ? Future.succeededFuture(set) : keySet(MISS_REFRESH_MS))
        .compose(set -> set.ids().contains(id) ? readRecord(id) : Future.succeededFuture(null))
        .onSuccess(r -> remember(id, r))
        .recover(t -> {
          if (c != null && c.value != null && t instanceof StoreException e
              && e.kind() == StoreException.Kind.UNAVAILABLE) {
            // The store cannot be asked: the key this node last read stays valid until it can be
            // asked again. Refusing it would lock every producer and reader out for the whole
            // outage, and no revocation can be read (or made) while the store does not answer.
            storeUnavailable.log("access key {} served from the cache while the store is unreachable: {}", id,
                e.getMessage());
            return Future.succeededFuture(c.value);
          }
          return Future.failedFuture(t);
        });
  }

  /** Creates a key with a fresh id and secret and adds it to the key set. */
  public Future<Resolved> create(String name, Policy policy) {
    String id = "AKIA" + randomBase32(16);
    Resolved r = new Resolved(new AccessKey(id, name, policy, clock.getAsLong()), randomSecret());
    return store.put(PREFIX + id, AccessKeyRecords.seal(sealer, r))
        .compose(v -> change(set -> set.with(id), set -> set.ids().contains(id), WRITE_ATTEMPTS))
        .map(v -> {
          cache.remove(id);
          return r;
        });
  }

  /**
   * Takes a key out of the key set and deletes its record; false when there was neither. Also
   * removes records that are refused (earlier versions, or put back after a revocation).
   */
  public Future<Boolean> revoke(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return Future.succeededFuture(false);
    }
    return currentForWriting().compose(set -> {
      boolean member = set.ids().contains(id);
      Future<Void> unlisted = member
          ? change(s -> s.without(id), s -> !s.ids().contains(id), WRITE_ATTEMPTS) : Future.succeededFuture();
      return unlisted.compose(v -> store.stat(PREFIX + id).compose(
          info -> store.delete(PREFIX + id).map(d -> true),
          t -> StoreException.isNotFound(t) ? Future.succeededFuture(member) : Future.failedFuture(t)));
    }).onComplete(ar -> cache.remove(id));
  }

  /** Every stored key and every id of the key set, without secrets, in id order. */
  public Future<List<Listed>> list() {
    return readKeySet().map(this::checked).compose(set -> recordKeys(null, new ArrayList<>()).compose(keys -> {
      List<Future<Listed>> reads = new ArrayList<>();
      Set<String> withRecord = new TreeSet<>();
      for (String key : keys) {
        String id = key.substring(PREFIX.length());
        withRecord.add(id);
        reads.add(store.get(key).map(b -> listed(id, b, set.ids().contains(id))));
      }
      for (String id : set.ids()) {
        if (!withRecord.contains(id)) {
          reads.add(Future.succeededFuture(new Listed(id, null, Status.RECORD_MISSING)));
        }
      }
      return Future.all(reads).map(all -> {
        List<Listed> out = new ArrayList<>(all.<Listed>list());
        out.sort(Comparator.comparing(Listed::id));
        return out;
      });
    }));
  }

  /** Whether the store has a key set, any key record, and whether its set was rolled back. */
  public Future<Inventory> inventory() {
    return readKeySet().compose(set -> store.list(PREFIX, null, 1).map(records ->
        new Inventory(set.present(), !records.isEmpty(), set.generation() < floor.get())));
  }

  /** The local record of the highest key-set generation seen (for messages). */
  public GenerationFloor floor() {
    return floor;
  }

  private Listed listed(String id, Buffer stored, boolean member) {
    try {
      AccessKey key = AccessKeyRecords.open(sealer, id, stored).key();
      return new Listed(id, key, member ? Status.VALID : Status.NOT_IN_KEY_SET);
    } catch (AccessKeyRecords.RefusedException e) {
      return new Listed(id, null, e.refusal == AccessKeyRecords.Refusal.UNSEALED ? Status.UNSEALED
          : Status.DOES_NOT_VERIFY);
    }
  }

  private Future<List<String>> recordKeys(String after, List<String> acc) {
    return store.list(PREFIX, after, 1000).compose(infos -> {
      for (ObjectInfo i : infos) {
        acc.add(i.key());
      }
      return infos.size() < 1000 ? Future.succeededFuture(acc) : recordKeys(infos.get(infos.size() - 1).key(), acc);
    });
  }

  private Future<Resolved> readRecord(String id) {
    return store.get(PREFIX + id).map(b -> {
      try {
        return AccessKeyRecords.open(sealer, id, b);
      } catch (AccessKeyRecords.RefusedException e) {
        refusedRecords.log("access key {} refused: its record {}", id, e.refusal.text);
        return (Resolved) null;
      }
    }).recover(t -> StoreException.isNotFound(t) ? Future.succeededFuture(null) : Future.failedFuture(t));
  }

  /** The key set, re-read when the cached copy is older than {@code maxAgeMs}; one read at a time. */
  private Future<KeySet> keySet(long maxAgeMs) {
    CachedSet c = keySet;
    if (c != null && clock.getAsLong() - c.readAt < maxAgeMs) {
      return Future.succeededFuture(c.set);
    }
    synchronized (this) {
      if (loading != null) {
        return loading;
      }
      long readAt = clock.getAsLong();
      Future<KeySet> f = readKeySet().map(this::checked);
      // assigned before the callback, which runs at once when the read already completed
      loading = f;
      f.onComplete(ar -> {
        synchronized (this) {
          loading = null;
        }
        if (ar.succeeded()) {
          keySet = new CachedSet(ar.result(), readAt);
        }
      });
      return f;
    }
  }

  private Future<KeySet> readKeySet() {
    return store.get(KeySet.OBJECT).map(b -> KeySet.open(sealer, b)).recover(t -> {
      if (StoreException.isNotFound(t)) {
        return Future.succeededFuture(KeySet.ABSENT);
      }
      return t instanceof StoreException e && e.kind() == StoreException.Kind.INTEGRITY
          ? Future.succeededFuture(KeySet.UNVERIFIABLE) : Future.failedFuture(t);
    });
  }

  /** The set as read, or an empty one when it does not verify or is older than this node has seen. */
  private KeySet checked(KeySet set) {
    if (set.state() == KeySet.State.UNVERIFIABLE) {
      keySetRefused.log("the access-key set ({}) does not verify (altered, or sealed under another master key): every "
          + "access key is refused until an operator recreates the admin key with `keys create --admin`",
          KeySet.OBJECT);
      return set;
    }
    long seen = floor.get();
    if (set.generation() < seen) {
      keySetRefused.log("the access-key set in the store is generation {} but this node has seen generation {} ({}): "
          + "it was rolled back, undoing key revocations, so every access key is refused. If an older copy of the "
          + "store was restored on purpose, delete {} and recreate the admin key with `keys create --admin`",
          set.generation(), seen, floor.where(), floor.where());
      return set.emptied();
    }
    floor.raise(set.generation());
    return set;
  }

  /**
   * The current set for a change. A set that was rolled back fails the change (nothing is built on
   * it). One that does not verify is replaced by a new, empty set above every generation seen: no
   * key of the old one can be trusted again, so each must be recreated.
   */
  private Future<KeySet> currentForWriting() {
    return readKeySet().compose(set -> {
      if (set.state() == KeySet.State.UNVERIFIABLE) {
        LOG.warn("the access-key set ({}) does not verify: replacing it with a new one; keys created before must be "
            + "created again", KeySet.OBJECT);
        return Future.succeededFuture(new KeySet(floor.get(), Set.of(), KeySet.State.VERIFIED));
      }
      if (set.generation() < floor.get()) {
        return Future.failedFuture(new StoreException(StoreException.Kind.INTEGRITY, "the access-key set in the store "
            + "is generation " + set.generation() + ", older than generation " + floor.get() + " recorded in "
            + floor.where() + " (rolled back?); if an older copy of the store was restored on purpose, delete that "
            + "file and run the command again"));
      }
      return Future.succeededFuture(set);
    });
  }

  /** Applies {@code change} to the stored set and reads it back until {@code done} holds. */
  private Future<Void> change(UnaryOperator<KeySet> change, Predicate<KeySet> done, int attempts) {
    return currentForWriting().compose(set -> store.put(KeySet.OBJECT, change.apply(set).seal(sealer)))
        .compose(v -> readKeySet()).compose(after -> {
          if (done.test(after)) {
            floor.raise(after.generation());
            keySet = new CachedSet(after, clock.getAsLong());
            return Future.succeededFuture();
          }
          // another writer replaced the set between this read and write: apply the change again
          return attempts > 1 ? change(change, done, attempts - 1) : Future.failedFuture(new StoreException(
              StoreException.Kind.CONFLICT, "the access-key set kept changing under this command; run it again"));
        });
  }

  private void remember(String id, Resolved r) {
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    long ttl = r == null ? NEGATIVE_TTL_MS : POSITIVE_TTL_MS;
    cache.put(id, new Cached(r, clock.getAsLong() + ttl));
  }

  private String randomBase32(int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = BASE32[random.nextInt(32)];
    }
    return new String(out);
  }

  private String randomSecret() {
    byte[] b = new byte[30];
    random.nextBytes(b);
    return Base64.getEncoder().encodeToString(b); // 40 characters, like AWS secret access keys
  }
}
