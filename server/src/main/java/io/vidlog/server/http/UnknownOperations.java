package io.vidlog.server.http;

import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;

/**
 * The answer to every request no route claims: KVS operations vidlog does not implement (image
 * generation, notification, edge, storage configuration, signaling channels, WebRTC …; docs/wire-protocol.md §4)
 * and any other path. Always an AWS-style 400, never a 404 page or a 500.
 */
public final class UnknownOperations {
  private UnknownOperations() {}

  public static void handle(RoutingContext ctx) {
    ctx.fail(KvsError.UNSUPPORTED_OPERATION.exception(
        message(ctx.request().method().name(), ctx.request().path())));
  }

  static String message(String method, String path) {
    String p = path == null ? "" : path;
    if (p.length() > 128) {
      p = p.substring(0, 128) + "…";
    }
    return "vidlog does not implement " + method + " " + p;
  }
}
