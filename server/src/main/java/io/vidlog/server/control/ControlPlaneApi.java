package io.vidlog.server.control;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.Principal;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.server.http.ApiModule;
import java.util.function.BiFunction;

/**
 * The KVS control plane (kvs-api.md §4) as routes: POST + JSON at lower-camel paths, plus the
 * capitalised TagResource family. The {@code RouteTable} has read the body and authenticated the
 * caller before these run; each operation authorizes on the stream name the request gave.
 */
public final class ControlPlaneApi implements ApiModule {
  private final StreamOps streams;
  private final TagOps tags;

  private final DataEndpoint endpoint;

  /** @param endpoint this server's base URLs, returned by GetDataEndpoint */
  public ControlPlaneApi(StreamRegistry registry, DataEndpoint endpoint) {
    this.streams = new StreamOps(registry);
    this.tags = new TagOps(registry);
    this.endpoint = endpoint;
  }

  @Override
  public void mount(Router router) {
    route(router, "/createStream", streams::create);
    route(router, "/describeStream", streams::describe);
    route(router, "/listStreams", streams::list);
    route(router, "/deleteStream", streams::delete);
    route(router, "/updateStream", streams::update);
    route(router, "/updateDataRetention", streams::updateRetention);
    router.post("/getDataEndpoint").handler(ctx -> run(ctx, (b, p) -> streams.dataEndpoint(b, p, api -> endpoint.of(ctx, api))));
    route(router, "/tagStream", tags::tagStream);
    route(router, "/untagStream", tags::untagStream);
    route(router, "/listTagsForStream", tags::listTagsForStream);
    route(router, "/TagResource", tags::tagResource);
    route(router, "/UntagResource", tags::untagResource);
    route(router, "/ListTagsForResource", tags::listTagsForResource);
  }

  private static void route(Router router, String path, BiFunction<JsonObject, Principal, Future<JsonObject>> op) {
    router.post(path).handler(ctx -> run(ctx, op));
  }

  private static void run(RoutingContext ctx, BiFunction<JsonObject, Principal, Future<JsonObject>> op) {
    Future<JsonObject> result;
    try {
      result = op.apply(body(ctx), Access.principal(ctx));
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    result.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (!ctx.response().ended()) {
        ctx.response().putHeader("content-type", "application/json").end(ar.result().encode());
      }
    });
  }

  /** The request document; an empty body is {@code {}} as in KVS. */
  static JsonObject body(RoutingContext ctx) {
    var b = ctx.body();
    if (b == null || b.buffer() == null || b.length() == 0) {
      return new JsonObject();
    }
    try {
      return new JsonObject(b.buffer());
    } catch (DecodeException | ClassCastException e) {
      throw KvsError.INVALID_ARGUMENT.exception("The request body is not a JSON object");
    }
  }
}
