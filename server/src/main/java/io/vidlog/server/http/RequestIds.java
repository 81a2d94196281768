package io.vidlog.server.http;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Gives every request an id, sent as {@code x-amzn-RequestId} on every response and used in logs. */
public final class RequestIds {
  public static final String HEADER = "x-amzn-RequestId";
  public static final String CONTEXT_KEY = "vidlog.requestId";

  private RequestIds() {}

  /** The first handler of the router: assigns the id and sets the response header. */
  public static void assign(RoutingContext ctx) {
    String id = UUID.randomUUID().toString();
    ctx.put(CONTEXT_KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(CONTEXT_KEY);
    return id == null ? "-" : id;
  }
}
