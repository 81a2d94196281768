package io.vidlog.playback.images;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.http.Fields;
import io.vidlog.playback.chunk.StreamLookup;
import io.vidlog.playback.request.ImagesRequest;

/**
 * {@code GET /thumbnail/v1/getThumbnail.jpg?StreamName=…[&WidthPixels=…]} (docs/wire-protocol.md
 * §3.4 "Thumbnails"), a vidlog extension for the web player: the stream's newest key frame as JPEG.
 * The query members are read with the request grammar of the JSON APIs. Headers tell which
 * fragment the picture is of; browsers may keep it for two seconds.
 */
final class ThumbnailHandler implements Handler<RoutingContext> {
  private final StreamLookup lookup;
  private final Thumbnails thumbnails;

  ThumbnailHandler(StreamLookup lookup, Thumbnails thumbnails) {
    this.lookup = lookup;
    this.thumbnails = thumbnails;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject query = new JsonObject();
    for (String name : new String[] {"StreamName", "StreamARN"}) {
      String v = ctx.request().getParam(name);
      if (v != null) {
        query.put(name, v);
      }
    }
    String width = ctx.request().getParam("WidthPixels");
    try {
      if (width != null) {
        query.put("WidthPixels", Long.parseLong(width));
      }
    } catch (NumberFormatException e) {
      query.put("WidthPixels", width); // refused below with the usual message
    }
    Fields f = new Fields(query);
    io.vidlog.kvs.StreamRef ref;
    Integer w;
    try {
      ref = f.stream();
      w = f.intValue("WidthPixels", 1, ImagesRequest.MAX_WIDTH, false);
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    lookup.find(ctx, ref)
        .compose(stream -> thumbnails.newest(stream, w == null ? 0 : w))
        .onFailure(ctx::fail)
        .onSuccess(t -> ctx.response()
            .putHeader("Content-Type", "image/jpeg")
            .putHeader("Cache-Control", "private, max-age=2")
            .putHeader("x-vidlog-fragment-number", t.fragmentNumber())
            .putHeader("x-vidlog-producer-timestamp", Long.toString(t.producerTimestampMillis()))
            .putHeader("x-vidlog-server-timestamp", Long.toString(t.serverTimestampMillis()))
            .end(io.vertx.core.buffer.Buffer.buffer(t.jpeg())));
  }
}
