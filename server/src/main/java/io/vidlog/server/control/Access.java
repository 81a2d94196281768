package io.vidlog.server.control;

import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.Principal;
import io.vidlog.fragmentstore.streams.StreamRef;

/**
 * Authorization of control-plane calls, decided on the name the request gave (or the name inside
 * the ARN it gave) before any lookup, so a denied caller learns nothing about whether the stream
 * exists.
 */
final class Access {
  private Access() {}

  static Principal principal(RoutingContext ctx) {
    Principal p = ctx.get(Principal.CONTEXT_KEY);
    if (p == null) {
      throw KvsError.NOT_AUTHORIZED.exception("The request is not authenticated");
    }
    return p;
  }

  static void require(Principal p, String action, StreamRef ref) {
    if (ref == null) {
      require(p, action, null, "*");
      return;
    }
    String name = ref.name() != null ? ref.name() : Arns.streamName(ref.arn());
    if (name == null) {
      // not a stream ARN (a signaling channel, say): vidlog has no such resource, for anyone
      throw KvsError.RESOURCE_NOT_FOUND.exception("The resource " + ref.arn() + " does not exist");
    }
    require(p, action, name, ref.toString());
  }

  static void require(Principal p, String action, String streamName, String resource) {
    if (!p.allows(action, streamName)) {
      throw KvsError.ACCESS_DENIED.exception("User: " + p.id() + " is not authorized to perform: kinesisvideo:"
          + action + " on resource: " + resource);
    }
  }
}
