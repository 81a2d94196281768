package io.vidlog.playback.hls;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.kvs.Invalid;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.StreamRules;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.kvs.http.Fields;
import io.vidlog.media.ByteBudget;
import io.vidlog.playback.chunk.StreamLookup;
import io.vidlog.playback.request.HlsSessionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * HLS (docs/wire-protocol.md §3.5) as route declarations: {@code POST /getHLSStreamingSessionURL},
 * signed and needing GetHLSStreamingSessionURL, and the URL family under {@code /hls/v1/}, which
 * players fetch without a signature: each of those requests authenticates by its SessionToken
 * (signed, expiring, bound to one stream and the session's parameters), so the routes are PUBLIC
 * and every handler verifies the token before anything else.
 */
public final class HlsApi implements ApiModule {
  static final String TOKEN_AUTH = "authenticates by its SessionToken query parameter: an HMAC-signed, expiring"
      + " session made by GetHLSStreamingSessionURL for one stream (docs/wire-protocol.md §3.5)";
  static final String PREFLIGHT = "a CORS preflight: answers which methods and headers the HLS resources accept,"
      + " nothing about any session";
  /** Fragments cached with their tracks, node-wide. */
  static final int CATALOG_ENTRIES = 100_000;
  /** Fragments each stream's live tail keeps. */
  static final int TAIL_FRAGMENTS = 1_000;
  /** A stream's live tail unsubscribes after this long without an HLS request for the stream. */
  static final long TAIL_IDLE_MILLIS = 120_000;
  /**
   * The frames of the fragments being served and of recent segments kept for other players, all
   * requests together: an eighth of the heap, at least this (one fragment is at most 50 MB,
   * docs/wire-protocol.md §6); beyond it a request is a 503.
   */
  static final long MIN_REPACKAGING_BYTES = 64L << 20;
  /** Playlist entries the live timelines of all sessions keep together. */
  static final long TIMELINE_ENTRIES = 1_000_000;

  private final StreamRegistry registry;
  private final StreamLookup lookup;
  final HlsService service;
  final SessionKeys keys;
  final Function<RoutingContext, String> endpoint;
  final LongSupplier clock;

  /**
   * @param endpoint this server's base URL for a request (scheme, host, port: what GetDataEndpoint
   *     answers for GET_HLS_STREAMING_SESSION_URL), which session URLs start with
   */
  public HlsApi(Vertx vertx, StreamRegistry registry, TimeIndex index, FragmentArchive archive, LiveFeeds feeds,
      SessionKeys keys, Function<RoutingContext, String> endpoint, LongSupplier clock) {
    this(vertx, registry, index, archive, feeds, keys, endpoint, clock, HlsService.DEFAULT_PART_TARGET_MILLIS);
  }

  /** @param partTargetMillis the LL-HLS part target duration of live playlists */
  public HlsApi(Vertx vertx, StreamRegistry registry, TimeIndex index, FragmentArchive archive, LiveFeeds feeds,
      SessionKeys keys, Function<RoutingContext, String> endpoint, LongSupplier clock, long partTargetMillis) {
    this.registry = registry;
    this.lookup = new StreamLookup(registry);
    FragmentCatalog catalog = new FragmentCatalog(archive, CATALOG_ENTRIES);
    LiveTails tails = new LiveTails(vertx, feeds, catalog, clock, TAIL_IDLE_MILLIS, TAIL_FRAGMENTS, partTargetMillis);
    ByteBudget frames = ByteBudget.of("HLS repackaging", Math.max(MIN_REPACKAGING_BYTES,
        Runtime.getRuntime().maxMemory() / 8));
    // half of the budget may stay held by recent segments, the rest is for building
    this.service = new HlsService(index, catalog, tails, new FragmentSource(vertx, archive, feeds, frames),
        TIMELINE_ENTRIES, frames.limit() / 2);
    this.keys = keys;
    this.endpoint = endpoint;
    this.clock = clock;
  }

  @Override
  public List<ApiRoute> routes() {
    List<ApiRoute> routes = new ArrayList<>();
    routes.add(ApiRoute.json("/getHLSStreamingSessionURL", KvsAction.GET_HLS_STREAMING_SESSION_URL,
        ApiRoute.Response.SHORT, this::sessionUrl));
    resource(routes, HlsUrls.MASTER, ApiRoute.Response.SHORT, this::master);
    resource(routes, HlsUrls.MEDIA, ApiRoute.Response.SHORT, this::media);
    resource(routes, HlsUrls.INIT, ApiRoute.Response.SHORT, this::init);
    // a large fragment to a slow player may take longer than a document's request timeout
    resource(routes, HlsUrls.FRAGMENT, ApiRoute.Response.STREAMED, this::fragment);
    resource(routes, HlsUrls.TS_FRAGMENT, ApiRoute.Response.STREAMED, this::tsFragment);
    return List.copyOf(routes);
  }

  private static void resource(List<ApiRoute> routes, String name, ApiRoute.Response response,
      Handler<RoutingContext> handler) {
    resource(routes, HlsUrls.PREFIX, name, response, handler);
  }

  /** GET and HEAD of a session resource under {@code prefix}, authenticated by its token, and its CORS preflight. */
  static void resource(List<ApiRoute> routes, String prefix, String name, ApiRoute.Response response,
      Handler<RoutingContext> handler) {
    String path = prefix + name;
    routes.add(ApiRoute.publicGet(path, response, TOKEN_AUTH, handler));
    routes.add(new ApiRoute(HttpMethod.HEAD, path, ApiRoute.Access.PUBLIC, null, ApiRoute.Body.NONE, response,
        TOKEN_AUTH, handler));
    routes.add(new ApiRoute(HttpMethod.OPTIONS, path, ApiRoute.Access.PUBLIC, null, ApiRoute.Body.NONE,
        ApiRoute.Response.SHORT, PREFLIGHT, ctx -> HttpResponses.preflight(ctx.request())));
  }

  private void sessionUrl(RoutingContext ctx) {
    long now = clock.getAsLong();
    Fields.request(ctx)
        .map(f -> HlsSessionRequest.parse(f, now))
        .compose(req -> lookup.find(ctx, req.stream()).compose(stream -> service.create(stream, req, now)))
        .compose(session -> keys.current().map(k -> SessionToken.sign(session, k.id(), k.key())))
        .onFailure(ctx::fail)
        .onSuccess(token -> ctx.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("HLSStreamingSessionURL", HlsUrls.session(endpoint.apply(ctx), token))
                .encode()));
  }

  /** A verified session and its stream. */
  record Verified(String token, HlsSession session, StreamInfo stream) {}

  /**
   * Verifies the request's session token (403 NotAuthorizedException when missing, altered or
   * expired) and finds its stream, which must still be the one the session was made for.
   */
  Future<Verified> verify(RoutingContext ctx) {
    HttpResponses.cors(ctx.response());
    String token = ctx.request().getParam(HlsUrls.SESSION_TOKEN);
    SessionToken.Unverified unverified;
    try {
      unverified = SessionToken.parse(token);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return keys.byId(unverified.keyId())
        .map(k -> unverified.verify(k.key(), clock.getAsLong()))
        .compose(session -> registry.describe(StreamRef.byName(session.streamName())).map(stream -> {
          if (!stream.streamId().equals(session.streamId())) {
            throw KvsError.RESOURCE_NOT_FOUND.exception("The stream of this session was deleted");
          }
          return new Verified(token, session, stream);
        }));
  }

  /** A playlist or manifest opens only for a session of its protocol (an HLS token does not open a DASH manifest). */
  static Verified requireProtocol(Verified v, SessionProtocol protocol) {
    if (v.session().protocol() != protocol) {
      throw Invalid.field(HlsUrls.SESSION_TOKEN, "must be a token of a " + protocol + " session");
    }
    return v;
  }

  private void master(RoutingContext ctx) {
    verify(ctx).map(v -> requireProtocol(v, SessionProtocol.HLS)).compose(v -> service.master(v.stream(), v.session(), v.token()).map(p -> {
      HttpResponses.playlist(ctx.request(), p.render(), untilExpiry(v.session()));
      return p;
    })).onFailure(ctx::fail);
  }

  private void media(RoutingContext ctx) {
    verify(ctx).map(v -> requireProtocol(v, SessionProtocol.HLS)).compose(v -> {
      int track = trackNumber(ctx.request());
      return service.media(v.stream(), v.session(), v.token(), track, clock, directives(ctx.request())).map(p -> {
        // live playlists change with every fragment; a cache may hold one for less than a fragment
        HttpResponses.playlist(ctx.request(), p.bytes(), v.session().mode() == PlaybackMode.ON_DEMAND
            ? untilExpiry(v.session()) : "max-age=1");
        return p;
      });
    }).onFailure(ctx::fail);
  }

  void init(RoutingContext ctx) {
    verify(ctx).compose(v -> {
      int track = trackNumber(ctx.request());
      FragmentNumber from = fragmentNumber(ctx.request(), false);
      return service.init(v.stream(), v.session(), track, from).map(bytes -> {
        HttpResponses.bytes(ctx.request(), bytes, "video/mp4", immutable(v.session()),
            "\"init-" + (from == null ? v.session().anchor().value() : from.value()) + "-" + track + "\"");
        return bytes;
      });
    }).onFailure(ctx::fail);
  }

  void fragment(RoutingContext ctx) {
    verify(ctx).compose(v -> {
      int track = trackNumber(ctx.request());
      FragmentNumber number = fragmentNumber(ctx.request(), true);
      String part = ctx.request().getParam(HlsUrls.PART_NUMBER);
      if (part != null) {
        return PartResponse.serve(ctx, service.parts(v.stream(), v.session()), v.session(), number, track,
            partNumber(part), immutable(v.session()));
      }
      return service.fragment(v.stream(), v.session(), number, track).compose(segment -> HttpResponses.segment(
          ctx.request(), segment.length(), segment::buffers, "video/mp4", immutable(v.session()),
          etag(v.session(), number, track)));
    }).onFailure(e -> {
      if (!ctx.response().headWritten()) {
        ctx.fail(e);
      } else if (!ctx.response().ended()) {
        ctx.response().reset(); // the client went away, or the connection failed mid-segment
      }
    });
  }

  private void tsFragment(RoutingContext ctx) {
    verify(ctx).compose(v -> {
      FragmentNumber number = fragmentNumber(ctx.request(), true);
      return service.tsFragment(v.stream(), v.session(), number).map(bytes -> {
        HttpResponses.bytes(ctx.request(), bytes, "video/mp2t", immutable(v.session()),
            "\"" + number.value() + "-ts-" + v.session().kind().name().charAt(0) + "\"");
        return bytes;
      });
    }).onFailure(ctx::fail);
  }

  /** A media segment's bytes depend on its fragment, track and the session's timestamps. */
  private static String etag(HlsSession session, FragmentNumber number, int track) {
    return "\"" + number.value() + "-" + track + "-" + session.kind().name().charAt(0) + "\"";
  }

  /** Until the session expires: a cache must not answer for it afterwards. */
  String untilExpiry(HlsSession session) {
    return "max-age=" + Math.max(0, (session.expiresAtMillis() - clock.getAsLong()) / 1000);
  }

  /** Segments never change; a cache keeps them until the session expires. */
  private String immutable(HlsSession session) {
    return untilExpiry(session) + ", immutable";
  }

  private static int trackNumber(HttpServerRequest request) {
    String t = request.getParam(HlsUrls.TRACK_NUMBER);
    if (t == null) {
      throw Invalid.field(HlsUrls.TRACK_NUMBER, "is required");
    }
    if (!digits(t, 5) || Integer.parseInt(t) < 1) {
      throw Invalid.field(HlsUrls.TRACK_NUMBER, "must be a track number from 1");
    }
    return Integer.parseInt(t);
  }

  /**
   * Whether {@code s} is 1 to {@code max} ASCII digits (decimal digits, as a fragment number is).
   * Not String.matches: every playlist request carries such numbers, and it compiles its pattern on
   * each call.
   */
  static boolean digits(String s, int max) {
    return s.length() <= max && FragmentNumber.isValid(s);
  }

  private static int partNumber(String p) {
    if (!digits(p, 6)) {
      throw Invalid.field(HlsUrls.PART_NUMBER, "must be a part index from 0");
    }
    return Integer.parseInt(p);
  }

  /**
   * The delivery directives of a media playlist request (draft-pantos-hls-rfc8216bis §6.2.5):
   * {@code _HLS_msn}, {@code _HLS_part} (only with {@code _HLS_msn}), {@code _HLS_skip} (YES or v2).
   */
  static HlsService.Directives directives(HttpServerRequest request) {
    String msn = request.getParam("_HLS_msn");
    String part = request.getParam("_HLS_part");
    String skip = request.getParam("_HLS_skip");
    if (msn != null && !digits(msn, 18)) {
      throw Invalid.field("_HLS_msn", "must be a media sequence number");
    }
    if (part != null && (msn == null || !digits(part, 6))) {
      throw Invalid.field("_HLS_part", msn == null ? "needs _HLS_msn (draft-pantos-hls-rfc8216bis §6.2.5.2)"
          : "must be a part index");
    }
    if (skip != null && !skip.equals("YES") && !skip.equals("v2")) {
      throw Invalid.field("_HLS_skip", "must be YES or v2");
    }
    return new HlsService.Directives(msn == null ? null : Long.valueOf(msn), part == null ? -1 : Integer.parseInt(part),
        skip != null);
  }

  private static FragmentNumber fragmentNumber(HttpServerRequest request, boolean required) {
    String n = request.getParam(HlsUrls.FRAGMENT_NUMBER);
    if (n == null) {
      if (required) {
        throw Invalid.field(HlsUrls.FRAGMENT_NUMBER, "is required");
      }
      return null;
    }
    if (!StreamRules.FRAGMENT_NUMBER.matcher(n).matches()) {
      throw Invalid.field(HlsUrls.FRAGMENT_NUMBER, "must satisfy regular expression pattern: "
          + StreamRules.FRAGMENT_NUMBER.pattern());
    }
    return new FragmentNumber(n);
  }

  StreamLookup lookup() {
    return lookup;
  }

  /** Open live timelines on this node (tests, metrics). */
  public int liveTimelines() {
    return service.timelines();
  }
}
