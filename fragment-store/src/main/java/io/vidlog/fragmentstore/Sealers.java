package io.vidlog.fragmentstore;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.crypto.ObjectSealer;

/**
 * Where the registry and the index get the {@link ObjectSealer} of a scope ({@code system} for
 * stream records, a stream's creation id for its index objects). With the real crypto package:
 * {@code scope -> crypto.keys(scope).map(k -> k)} (a scope's data keys are loaded, or created, once).
 */
@FunctionalInterface
public interface Sealers {
  Future<ObjectSealer> forScope(String scope);

  /** One sealer for every scope (tests). */
  static Sealers of(ObjectSealer sealer) {
    Future<ObjectSealer> f = Future.succeededFuture(sealer);
    return scope -> f;
  }
}
