package io.vidlog.playback.chunk;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.http.Caller;

/**
 * Authorises a media request and finds its stream. The caller is asked first, with the name the
 * request gave (for an ARN, the name inside it), so a denied caller learns nothing about whether the
 * stream exists; a request without a verified caller is refused.
 */
public final class StreamLookup {
  private final StreamRegistry registry;

  public StreamLookup(StreamRegistry registry) {
    this.registry = registry;
  }

  public Future<StreamInfo> find(RoutingContext ctx, StreamRef ref) {
    try {
      Caller.of(ctx).authorize(ref);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return registry.describe(ref);
  }
}
