package io.vidlog.server.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Access keys kept in the object store under {@code system/access-keys/<id>} as JSON whose secret
 * is sealed with the {@link ObjectSealer} (scope {@code system}, kind {@code access-key}, name the
 * key id), so every node on the same store sees the same keys. Lookups are cached for
 * {@link #POSITIVE_TTL_MS} (a key revoked on another node stops working within that time) and
 * unknown ids for {@link #NEGATIVE_TTL_MS}, so a flood of bogus ids does not reach the store.
 */
public final class AccessKeyStore {
  public static final String PREFIX = "system/access-keys/";
  public static final String SEAL_KIND = "access-key";
  static final long POSITIVE_TTL_MS = 30_000;
  static final long NEGATIVE_TTL_MS = 5_000;
  private static final int MAX_CACHED = 10_000;
  private static final Pattern ID = Pattern.compile("[A-Z0-9]{16,128}");
  private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  /** A key with its secret, as the verifier needs it. */
  public record Resolved(AccessKey key, String secret) {
    @Override
    public String toString() {
      return "Resolved[" + key + "]";
    }
  }

  private record Cached(Resolved value, long expiresAt) {}

  private final ObjectStore store;
  private final ObjectSealer sealer;
  private final LongSupplier clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public AccessKeyStore(ObjectStore store, ObjectSealer sealer, LongSupplier clockMillis) {
    this.store = store;
    this.sealer = sealer;
    this.clock = clockMillis;
  }

  public AccessKeyStore(ObjectStore store, ObjectSealer sealer) {
    this(store, sealer, System::currentTimeMillis);
  }

  /** The key with this id, or null when there is none (or it was revoked). */
  public Future<Resolved> find(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return Future.succeededFuture(null);
    }
    long now = clock.getAsLong();
    Cached c = cache.get(id);
    if (c != null && c.expiresAt > now) {
      return Future.succeededFuture(c.value);
    }
    return store.get(PREFIX + id).map(this::decode).recover(t -> StoreException.isNotFound(t)
        ? Future.succeededFuture(null) : Future.failedFuture(t)).onSuccess(r -> remember(id, r));
  }

  /** Creates a key with a fresh id and secret. */
  public Future<Resolved> create(String name, Policy policy) {
    String id = "AKIA" + randomBase32(16);
    String secret = randomSecret();
    AccessKey key = new AccessKey(id, name, policy, clock.getAsLong());
    return put(new Resolved(key, secret));
  }

  /** Stores a key as given (the admin key re-imported from admin-credentials.json). */
  public Future<Resolved> put(Resolved r) {
    return store.put(PREFIX + r.key().id(), encode(r)).map(v -> {
      cache.remove(r.key().id());
      return r;
    });
  }

  /** All keys, without secrets, in id order. */
  public Future<List<AccessKey>> list() {
    return listFrom(null, new ArrayList<>());
  }

  private Future<List<AccessKey>> listFrom(String after, List<AccessKey> acc) {
    return store.list(PREFIX, after, 1000).compose(infos -> {
      List<Future<Resolved>> reads = new ArrayList<>();
      for (ObjectInfo i : infos) {
        reads.add(store.get(i.key()).map(this::decode));
      }
      return Future.all(reads).compose(all -> {
        for (int i = 0; i < reads.size(); i++) {
          acc.add(reads.get(i).result().key());
        }
        return infos.size() < 1000 ? Future.succeededFuture(acc) : listFrom(infos.get(infos.size() - 1).key(), acc);
      });
    });
  }

  /** Deletes a key; false when there was none. */
  public Future<Boolean> revoke(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return Future.succeededFuture(false);
    }
    return store.stat(PREFIX + id).compose(
        info -> store.delete(PREFIX + id).map(v -> true),
        t -> StoreException.isNotFound(t) ? Future.succeededFuture(false) : Future.failedFuture(t))
        .onComplete(ar -> cache.remove(id));
  }

  private void remember(String id, Resolved r) {
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    long ttl = r == null ? NEGATIVE_TTL_MS : POSITIVE_TTL_MS;
    cache.put(id, new Cached(r, clock.getAsLong() + ttl));
  }

  private Buffer encode(Resolved r) {
    AccessKey k = r.key();
    byte[] sealed = sealer.seal(context(k.id()), r.secret().getBytes(StandardCharsets.UTF_8));
    JsonObject json = new JsonObject()
        .put("id", k.id())
        .put("name", k.name())
        .put("admin", k.policy().admin())
        .put("actions", new JsonArray(new ArrayList<>(k.policy().actions())))
        .put("streams", new JsonArray(new ArrayList<>(k.policy().streams())))
        .put("created", k.createdMillis())
        .put("secret", Base64.getEncoder().encodeToString(sealed));
    return json.toBuffer();
  }

  private Resolved decode(Buffer b) {
    JsonObject json = new JsonObject(b);
    String id = json.getString("id");
    Set<String> actions = new HashSet<>();
    json.getJsonArray("actions", new JsonArray()).forEach(a -> actions.add((String) a));
    List<String> streams = new ArrayList<>();
    json.getJsonArray("streams", new JsonArray()).forEach(s -> streams.add((String) s));
    Policy policy = new Policy(json.getBoolean("admin", false), actions, streams);
    byte[] secret = sealer.open(context(id), Base64.getDecoder().decode(json.getString("secret")));
    AccessKey key = new AccessKey(id, json.getString("name", ""), policy, json.getLong("created", 0L));
    return new Resolved(key, new String(secret, StandardCharsets.UTF_8));
  }

  private static SealContext context(String id) {
    return new SealContext(SealContext.SYSTEM, SEAL_KIND, id);
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
