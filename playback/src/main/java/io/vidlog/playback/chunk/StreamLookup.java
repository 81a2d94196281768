package io.vidlog.playback.chunk;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.Principal;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamRef;
import io.vidlog.fragmentstore.streams.StreamRegistry;

/**
 * Authorises a media request and finds its stream. The principal is asked first, with the name the
 * request gave (for an ARN, the name inside it), so a denied caller learns nothing about whether the
 * stream exists.
 */
public final class StreamLookup {
  private final StreamRegistry registry;

  public StreamLookup(StreamRegistry registry) {
    this.registry = registry;
  }

  public Future<StreamInfo> find(RoutingContext ctx, String action, StreamRef ref) {
    Object p = ctx.get(Principal.CONTEXT_KEY);
    if (p instanceof Principal principal) {
      String name = ref.name() != null ? ref.name() : nameInArn(ref.arn());
      if (name == null || !principal.allows(action, name)) {
        return Future.failedFuture(KvsError.NOT_AUTHORIZED.exception("Not authorized to perform " + action
            + " on " + ref));
      }
    }
    return registry.describe(ref);
  }

  /** {@code arn:aws:kinesisvideo:<region>:<account>:stream/<name>/<digits>} → name; null when not that shape. */
  static String nameInArn(String arn) {
    int slash = arn.indexOf(":stream/");
    int last = arn.lastIndexOf('/');
    if (slash < 0 || last <= slash + 8) {
      return null;
    }
    return arn.substring(slash + 8, last);
  }
}
