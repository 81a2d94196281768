package io.vidlog.fragmentstore.crypto;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.ObjectKeys;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envelope encryption for the store (docs/architecture.md §Storage, "Envelope encryption"): the {@link Keyring} of master keys and
 * the per-scope data keys they wrap. Data keys live in the object store, wrapped, under
 * {@code streams/<scope>/keys/<keyId>} ({@code system/keys/<keyId>} for the {@code system} scope),
 * and are cached unwrapped in memory once loaded.
 *
 * <p>Use: {@code Crypto.open(vertx, store, dataDir.resolve("keys"))} (or {@link #open(Vertx,
 * ObjectStore, Keyring)} with {@link Keyring#of} for keys from config), then
 * {@code crypto.keys(streamInfo.streamId())} gives a {@link ScopeKeys}, which is an
 * {@link ObjectSealer}. Call {@link #warmUp()} once at start-up so the JIT compiles the JDK's
 * AES-GCM intrinsics before the first fragment arrives.
 */
public final class Crypto {
  private static final Logger LOG = LoggerFactory.getLogger(Crypto.class);
  private static final int MAX_KEYS_PER_SCOPE = 1000;

  private final Vertx vertx;
  private final ObjectStore store;
  private final Keyring keyring;
  private final ConcurrentHashMap<String, Future<ScopeKeys>> cache = new ConcurrentHashMap<>();

  private Crypto(Vertx vertx, ObjectStore store, Keyring keyring) {
    this.vertx = vertx;
    this.store = store;
    this.keyring = keyring;
  }

  /** Loads (or, on first start, creates) the master keys in {@code keysDir} on a worker thread. */
  public static Future<Crypto> open(Vertx vertx, ObjectStore store, Path keysDir) {
    return vertx.executeBlocking(() -> new Crypto(vertx, store, Keyring.load(keysDir)), false);
  }

  /** With the master key given by config (base64 of 32 bytes); older keys, if any, via {@link Keyring#of}. */
  public static Crypto open(Vertx vertx, ObjectStore store, String masterKeyBase64) {
    return new Crypto(vertx, store, Keyring.of(masterKeyBase64, List.of()));
  }

  public static Crypto open(Vertx vertx, ObjectStore store, Keyring keyring) {
    return new Crypto(vertx, store, keyring);
  }

  public Keyring keyring() {
    return keyring;
  }

  /** Object-key prefix under which a scope's wrapped data keys are stored. */
  public static String keyPrefix(String scope) {
    String p = SealContext.SYSTEM.equals(scope) ? "system/keys/" : "streams/" + scope + "/keys/";
    ObjectKeys.checkPrefix(p);
    if (scope.isEmpty() || scope.indexOf('/') >= 0) {
      throw new StoreException(StoreException.Kind.INVALID, "invalid key scope '" + scope + "'");
    }
    return p;
  }

  /** The data keys of {@code scope}, loaded from the store, or created (one new key) if it has none. */
  public Future<ScopeKeys> keys(String scope) {
    Future<ScopeKeys> f = cache.computeIfAbsent(scope, this::load);
    f.onFailure(e -> cache.remove(scope, f));
    return f;
  }

  /** Drops the cached keys of a scope (a deleted stream). */
  public void forget(String scope) {
    cache.remove(scope);
  }

  private Future<ScopeKeys> load(String scope) {
    String prefix;
    try {
      prefix = keyPrefix(scope);
    } catch (StoreException e) {
      return Future.failedFuture(e);
    }
    return store.list(prefix, null, MAX_KEYS_PER_SCOPE).compose(infos -> {
      if (infos.isEmpty()) {
        DataKey dk = DataKey.generate(scope);
        return store.put(prefix + dk.id(), Buffer.buffer(dk.wrap(keyring.current())))
            .map(v -> new ScopeKeys(scope, List.of(dk)));
      }
      List<Future<DataKey>> loads = new ArrayList<>();
      for (ObjectInfo info : infos) {
        String id = info.key().substring(prefix.length());
        loads.add(store.get(info.key()).map(b -> DataKey.unwrap(scope, id, b.getBytes(), keyring)));
      }
      return Future.all(loads).map(cf -> new ScopeKeys(scope, cf.list()));
    });
  }

  /** Creates a new data key for {@code scope} that seals from now on; older ones keep opening. Returns its id. */
  public Future<String> rotateDataKey(String scope) {
    return keys(scope).compose(sk -> {
      DataKey dk = DataKey.generate(scope);
      return store.put(keyPrefix(scope) + dk.id(), Buffer.buffer(dk.wrap(keyring.current()))).map(v -> {
        List<DataKey> all = new ArrayList<>(sk.all().values());
        all.add(dk);
        cache.put(scope, Future.succeededFuture(new ScopeKeys(scope, all)));
        return dk.id();
      });
    });
  }

  /** Creates a new master key and makes it current (file-backed keyrings only). */
  public Future<MasterKey> rotateMasterKey() {
    return vertx.executeBlocking(() -> {
      MasterKey k = keyring.rotate();
      LOG.info("master key rotated: {} is current", k.id());
      return k;
    }, false);
  }

  /**
   * Re-wraps every data key of {@code scope} with the current master key (no media is touched);
   * returns how many were rewritten. After this, older master keys are no longer needed for the scope.
   */
  public Future<Integer> rewrap(String scope) {
    String prefix = keyPrefix(scope);
    MasterKey current = keyring.current();
    return store.list(prefix, null, MAX_KEYS_PER_SCOPE).compose(infos -> {
      List<Future<Integer>> steps = new ArrayList<>();
      for (ObjectInfo info : infos) {
        String id = info.key().substring(prefix.length());
        steps.add(store.get(info.key()).compose(b -> {
          byte[] wrapped = b.getBytes();
          if (DataKey.masterIdOf(wrapped, info.key()).equals(current.id())) {
            return Future.succeededFuture(0);
          }
          DataKey dk = DataKey.unwrap(scope, id, wrapped, keyring);
          return store.put(info.key(), Buffer.buffer(dk.wrap(current))).map(v -> 1);
        }));
      }
      return Future.all(steps).map(cf -> cf.<Integer>list().stream().mapToInt(Integer::intValue).sum());
    });
  }

  /**
   * Runs AES-GCM on a worker until the JIT has compiled the JDK's intrinsics (see docs/dependencies.md §Pitfalls, "AES-GCM":
   * GCM runs at ~0.05 GB/s until then). Small calls first reach the compile thresholds quickly, then
   * segment-sized calls settle the compiled code on the size the chunk path uses.
   */
  public Future<Void> warmUp() {
    return vertx.executeBlocking(() -> {
      CryptoWarmUp.run();
      return null;
    }, false);
  }
}
