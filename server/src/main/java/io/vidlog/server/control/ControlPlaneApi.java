package io.vidlog.server.control;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.kvs.http.Caller;
import io.vidlog.kvs.http.Fields;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The KVS control plane (docs/wire-protocol.md §4) as route declarations: POST + JSON at lower-camel
 * paths, plus the capitalised TagResource family, each with the action it needs. The route table
 * has read the body and verified that the caller's policy grants the action before an operation
 * runs; each operation authorizes the stream the request names.
 */
public final class ControlPlaneApi implements ApiModule {
  private final StreamOps streams;
  private final TagOps tags;
  private final DataEndpoint endpoint;
  private final StreamRouting routing;

  /** @param endpoint this server's base URLs, returned by GetDataEndpoint */
  public ControlPlaneApi(StreamRegistry registry, DataEndpoint endpoint) {
    this(registry, endpoint, StreamRouting.HERE);
  }

  /** @param routing which node GetDataEndpoint names for a stream (a cluster's), else {@code endpoint} */
  public ControlPlaneApi(StreamRegistry registry, DataEndpoint endpoint, StreamRouting routing) {
    this.streams = new StreamOps(registry);
    this.tags = new TagOps(registry);
    this.endpoint = endpoint;
    this.routing = routing;
  }

  @Override
  public List<ApiRoute> routes() {
    return List.of(
        route("/createStream", KvsAction.CREATE_STREAM, streams::create),
        route("/describeStream", KvsAction.DESCRIBE_STREAM, streams::describe),
        route("/listStreams", KvsAction.LIST_STREAMS, streams::list),
        route("/deleteStream", KvsAction.DELETE_STREAM, streams::delete),
        route("/updateStream", KvsAction.UPDATE_STREAM, streams::update),
        route("/updateDataRetention", KvsAction.UPDATE_DATA_RETENTION, streams::updateRetention),
        ApiRoute.json("/getDataEndpoint", KvsAction.GET_DATA_ENDPOINT, ApiRoute.Response.SHORT,
            ctx -> run(ctx, (f, c) -> streams.dataEndpoint(f, c, api -> endpoint.of(ctx, api), routing))),
        route("/tagStream", KvsAction.TAG_STREAM, tags::tagStream),
        route("/untagStream", KvsAction.UNTAG_STREAM, tags::untagStream),
        route("/listTagsForStream", KvsAction.LIST_TAGS_FOR_STREAM, tags::listTagsForStream),
        route("/TagResource", KvsAction.TAG_RESOURCE, tags::tagResource),
        route("/UntagResource", KvsAction.UNTAG_RESOURCE, tags::untagResource),
        route("/ListTagsForResource", KvsAction.LIST_TAGS_FOR_RESOURCE, tags::listTagsForResource));
  }

  private static ApiRoute route(String path, KvsAction action, BiFunction<Fields, Caller, Future<JsonObject>> op) {
    return ApiRoute.json(path, action, ApiRoute.Response.SHORT, ctx -> run(ctx, op));
  }

  private static void run(RoutingContext ctx, BiFunction<Fields, Caller, Future<JsonObject>> op) {
    Future<JsonObject> result;
    try {
      result = op.apply(Fields.of(ctx), Caller.of(ctx));
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
}
