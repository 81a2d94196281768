package io.vidlog.playback.hls;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.crypto.ScopeKeys;
import io.vidlog.kvs.KvsError;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that sign and verify session tokens. The server's are derived from the data keys of the
 * {@code system} scope ({@link ScopeKeys#macKey}): wrapped by the master key in the object store,
 * created once, the same on every node that shares the store, so a token made on one node is
 * valid on all of them.
 */
public interface SessionKeys {

  /** A signing key and its id, which tokens carry. */
  record MacKey(String id, SecretKey key) {}

  /** The key new tokens are signed with. */
  Future<MacKey> current();

  /** The key a token names; fails with 403 NotAuthorizedException when there is none by that id. */
  Future<MacKey> byId(String id);

  /**
   * Keys derived from a scope's data keys. A key id this node does not know (a data key rotated on
   * another node) reloads the scope's keys, at most once per {@code reloadEveryMillis}, so made-up
   * ids cannot make a node read the store at their rate.
   */
  static SessionKeys of(Supplier<Future<ScopeKeys>> keys, Runnable forget, LongSupplier clock, long reloadEveryMillis) {
    return new SessionKeys() {
      private final ConcurrentHashMap<String, MacKey> derived = new ConcurrentHashMap<>();
      private volatile long lastReload = Long.MIN_VALUE / 2;

      @Override
      public Future<MacKey> current() {
        return keys.get().map(k -> derive(k, k.currentKeyId()));
      }

      @Override
      public Future<MacKey> byId(String id) {
        MacKey known = derived.get(id);
        if (known != null) {
          return Future.succeededFuture(known);
        }
        return keys.get().compose(k -> {
          if (k.keyIds().contains(id)) {
            return Future.succeededFuture(derive(k, id));
          }
          long now = clock.getAsLong();
          if (now - lastReload < reloadEveryMillis) {
            return Future.failedFuture(unknown());
          }
          lastReload = now;
          forget.run();
          return keys.get().compose(fresh -> fresh.keyIds().contains(id) ? Future.succeededFuture(derive(fresh, id))
              : Future.failedFuture(unknown()));
        });
      }

      private MacKey derive(ScopeKeys k, String id) {
        return derived.computeIfAbsent(id, i -> new MacKey(i, k.macKey(i, SessionToken.PURPOSE)));
      }
    };
  }

  /** One fixed key (tests, benchmarks). */
  static SessionKeys fixed(String id, byte[] secret) {
    MacKey key = new MacKey(id, new SecretKeySpec(secret, "HmacSHA256"));
    return new SessionKeys() {
      @Override
      public Future<MacKey> current() {
        return Future.succeededFuture(key);
      }

      @Override
      public Future<MacKey> byId(String requested) {
        return requested.equals(id) ? Future.succeededFuture(key) : Future.failedFuture(unknown());
      }
    };
  }

  private static RuntimeException unknown() {
    return KvsError.SESSION_NOT_AUTHORIZED.exception("The session token is not valid");
  }
}
