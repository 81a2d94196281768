package io.vidlog.ingest;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.fragmentstore.streams.StreamStatus;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.kvs.http.Caller;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ingest surface: {@code POST /putMedia} (kvs-api.md §1), MKV or MP4 bodies, with the KVS ack
 * stream. Built with plain {@code new} by the server, which mounts its route declaration behind
 * authentication. Errors found before the 200 (bad headers, denied, unknown stream)
 * fail the routing context with a {@link io.vidlog.kvs.KvsException} for the server's
 * failure handler; everything after the 200 is an ERROR ack.
 */
public final class IngestApi implements ApiModule {
  public static final String PATH = "/putMedia";

  private final Vertx vertx;
  private final StreamRegistry streams;
  private final FragmentArchive archive;
  private final TimeIndex index;
  private final LiveFeeds liveFeeds;
  private final FragmentNumberMinter minter;
  private final IngestConfig config;
  private final BodyParser.Factory mkvParser;
  private final BodyParser.Factory mp4Parser;
  private final IngestBuffers buffers;
  private final ActiveConnections active = new ActiveConnections();
  private final ConcurrentHashMap<String, FragmentSequencer> sequencers = new ConcurrentHashMap<>();

  public IngestApi(Vertx vertx, StreamRegistry streams, FragmentArchive archive, TimeIndex index, LiveFeeds liveFeeds,
      FragmentNumberMinter minter, IngestConfig config) {
    this(vertx, streams, archive, index, liveFeeds, minter, config, new IngestBuffers(config.buffers()));
  }

  private IngestApi(Vertx vertx, StreamRegistry streams, FragmentArchive archive, TimeIndex index,
      LiveFeeds liveFeeds, FragmentNumberMinter minter, IngestConfig config, IngestBuffers buffers) {
    this(vertx, streams, archive, index, liveFeeds, minter, config, buffers, BodyParsers.mkv(config, buffers),
        BodyParsers.mp4(vertx, config, buffers));
  }

  IngestApi(Vertx vertx, StreamRegistry streams, FragmentArchive archive, TimeIndex index, LiveFeeds liveFeeds,
      FragmentNumberMinter minter, IngestConfig config, IngestBuffers buffers, BodyParser.Factory mkvParser,
      BodyParser.Factory mp4Parser) {
    this.vertx = vertx;
    this.buffers = buffers;
    this.streams = streams;
    this.archive = archive;
    this.index = index;
    this.liveFeeds = liveFeeds;
    this.minter = minter;
    this.config = config;
    if (config.mp4SpoolDir() != null) {
      try {
        Mp4Spool.prepareDir(config.mp4SpoolDir());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot prepare the MP4 spool directory " + config.mp4SpoolDir(), e);
      }
    }
    this.mkvParser = mkvParser;
    this.mp4Parser = mp4Parser;
    streams.onDeleted(this::onStreamDeleted);
  }

  /** {@code POST /putMedia}: its body is a stream, never buffered; the caller needs PutMedia. */
  @Override
  public List<ApiRoute> routes() {
    return List.of(ApiRoute.stream(PATH, KvsAction.PUT_MEDIA, this::handle));
  }

  /** Number of streams with a PutMedia connection open in this process. */
  public int activeConnections() {
    return active.size();
  }

  /**
   * Bytes that the body parsers of all connections hold in buffers now (the server-wide budget's
   * use, {@link IngestConfig.Buffers}): a few KB per ordinary producer, more while large frames or
   * header elements arrive split across reads.
   */
  public long bufferedBytes() {
    return buffers.used();
  }

  /** Fragments of a stream whose commit (store, then index) is still in flight in this process. */
  int pendingFragments(String streamId) {
    FragmentSequencer sequencer = sequencers.get(streamId);
    return sequencer == null ? 0 : sequencer.pending();
  }

  private void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    PutMediaHeaders headers;
    try {
      headers = PutMediaHeaders.parse(request.headers(), System.currentTimeMillis());
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    try {
      Caller.of(ctx).authorize(headers.stream());
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    Context context = vertx.getOrCreateContext();
    streams.describe(headers.stream()).onComplete(ar -> context.runOnContext(v -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result().status() == StreamStatus.DELETING) {
        ctx.fail(KvsError.RESOURCE_NOT_FOUND.exception("Stream " + headers.stream() + " is being deleted"));
      } else {
        start(ctx, context, ar.result(), headers);
      }
    }));
  }

  private void start(RoutingContext ctx, Context context, StreamInfo stream, PutMediaHeaders headers) {
    FragmentSequencer known = sequencers.get(stream.streamId());
    if (known != null) {
      open(ctx, context, stream, headers, known);
      return;
    }
    // First connection of this stream in this process: raise the minter above the index's newest
    // number so fragment numbers keep increasing across restarts.
    index.latest(stream).onComplete(ar -> context.runOnContext(v -> {
      if (ar.failed()) {
        ctx.fail(new io.vidlog.kvs.KvsException(KvsError.SERVICE_UNAVAILABLE, "Stream index unavailable", ar.cause()));
        return;
      }
      FragmentSequencer sequencer = sequencers.computeIfAbsent(stream.streamId(), id -> {
        minter.floor(stream, ar.result() == null ? null : ar.result().number());
        return new FragmentSequencer(index, minter);
      });
      open(ctx, context, stream, headers, sequencer);
    }));
  }

  private void open(RoutingContext ctx, Context context, StreamInfo stream, PutMediaHeaders headers,
      FragmentSequencer sequencer) {
    IngestSession.Deps deps = new IngestSession.Deps(vertx, config, archive, liveFeeds.feed(stream.streamId()),
        sequencer, mkvParser, mp4Parser);
    IngestSession session = new IngestSession(deps, context, ctx.request(), stream, headers);
    active.takeOver(session);
    session.start(() -> active.release(session));
  }

  private void onStreamDeleted(StreamInfo stream) {
    IngestSession owner = active.owner(stream.streamId());
    if (owner != null) {
      owner.context().runOnContext(v -> owner.streamDeleted());
    }
    sequencers.remove(stream.streamId());
  }
}
