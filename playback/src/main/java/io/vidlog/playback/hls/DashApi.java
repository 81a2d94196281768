package io.vidlog.playback.hls;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.kvs.http.Fields;
import io.vidlog.playback.chunk.StreamLookup;
import io.vidlog.playback.request.HlsSessionRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * MPEG-DASH (docs/wire-protocol.md §3.6) on the HLS session machinery: {@code POST
 * /getDASHStreamingSessionURL}, signed and needing GetDASHStreamingSessionURL, makes a session with
 * the same signed token, and the URL family under {@code /dash/v1/} (the manifest, and the very fMP4
 * init and media segments HLS serves) authenticates by it, as {@code /hls/v1/} does.
 */
public final class DashApi implements ApiModule {
  private final HlsApi hls;
  private final StreamLookup lookup;

  /** @param hls the HLS module whose sessions, segments and keys DASH shares */
  public DashApi(HlsApi hls) {
    this.hls = hls;
    this.lookup = hls.lookup();
  }

  @Override
  public List<ApiRoute> routes() {
    List<ApiRoute> routes = new ArrayList<>();
    routes.add(ApiRoute.json("/getDASHStreamingSessionURL", KvsAction.GET_DASH_STREAMING_SESSION_URL,
        ApiRoute.Response.SHORT, this::sessionUrl));
    HlsApi.resource(routes, HlsUrls.DASH_PREFIX, HlsUrls.DASH_MANIFEST, ApiRoute.Response.SHORT, this::manifest);
    HlsApi.resource(routes, HlsUrls.DASH_PREFIX, HlsUrls.INIT, ApiRoute.Response.SHORT, hls::init);
    HlsApi.resource(routes, HlsUrls.DASH_PREFIX, HlsUrls.FRAGMENT, ApiRoute.Response.STREAMED, hls::fragment);
    return List.copyOf(routes);
  }

  private void sessionUrl(RoutingContext ctx) {
    long now = hls.clock.getAsLong();
    Fields.request(ctx)
        .map(f -> HlsSessionRequest.parseDash(f, now))
        .compose(req -> lookup.find(ctx, req.stream()).compose(stream -> hls.service.create(stream, req, now)))
        .compose(session -> hls.keys.current().map(k -> SessionToken.sign(session, k.id(), k.key())))
        .onFailure(ctx::fail)
        .onSuccess(token -> ctx.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("DASHStreamingSessionURL", HlsUrls.dashSession(hls.endpoint.apply(ctx), token))
                .encode()));
  }

  private void manifest(RoutingContext ctx) {
    hls.verify(ctx).map(v -> HlsApi.requireProtocol(v, SessionProtocol.DASH)).compose(v ->
        hls.service.manifest(v.stream(), v.session(), v.token(), hls.clock.getAsLong()).map(m -> {
          HttpResponses.document(ctx.request(), m.render(), v.session().mode() == PlaybackMode.ON_DEMAND
              ? hls.untilExpiry(v.session()) : "max-age=1", "application/dash+xml");
          return m;
        })).onFailure(ctx::fail);
  }
}
