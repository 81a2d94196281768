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
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The ingest surface: {@code POST /putMedia} (docs/wire-protocol.md §1), MKV or MP4 bodies, with the KVS ack
 * stream. Built with plain {@code new} by the server, which mounts its route declaration behind
 * authentication. Errors found before the 200 (bad headers, denied, unknown stream)
 * fail the routing context with a {@link io.vidlog.kvs.KvsException} for the server's
 * failure handler; everything after the 200 is an ERROR ack.
 */
public final class IngestApi implements ApiModule {
  /** How long a busy-stream or call-rate refusal waits before it is answered (see {@link #refuseLater}). */
  static final java.time.Duration RETRY_REFUSAL_DELAY = java.time.Duration.ofSeconds(1);
  public static final String PATH = "/putMedia";
  /**
   * The largest piece of a request body the HTTP server hands over at once
   * ({@code HttpServerOptions.setMaxChunkSize}). Netty's HTTP decoder passes on what one read
   * decrypted, cut at this size, and never waits to fill it, so it costs no memory of its own; with
   * Vert.x's 8 KiB default most video frames arrived split across several body buffers.
   */
  public static final int BODY_PIECE_BYTES = 128 * 1024;

  private final Vertx vertx;
  private final StreamRegistry streams;
  private final FragmentArchive archive;
  private final TimeIndex index;
  private final LiveFeeds liveFeeds;
  private final FragmentNumberSource numbers;
  private final IngestConfig config;
  private final BodyParser.Factory mkvParser;
  private final BodyParser.Factory mp4Parser;
  private final IngestBuffers buffers;
  private final ActiveConnections active = new ActiveConnections();
  private final CallRate calls;
  private final LongSupplier nanoClock;
  /** Told how long each fragment took from its last byte to durable and indexed (none by default). */
  private volatile LongConsumer persistedNanos = nanos -> { };
  /** One for the process: a store outage fails every stream's fragments at once. */
  private final StoreFailureLog storeFailures;
  private final ConcurrentHashMap<String, FragmentSequencer> sequencers = new ConcurrentHashMap<>();
  /** Whether this node may ingest a stream (a cluster's ownership); a single node always may. */
  private IngestClaims claims = IngestClaims.ALONE;

  /** {@code numbers}: the server passes fragment-store's {@code FragmentStore::numbersFor}. */
  public IngestApi(Vertx vertx, StreamRegistry streams, FragmentArchive archive, TimeIndex index, LiveFeeds liveFeeds,
      FragmentNumberSource numbers, IngestConfig config) {
    this(vertx, streams, archive, index, liveFeeds, numbers, config, new IngestBuffers(config.buffers()));
  }

  /** A node of a cluster: each connection is admitted only once {@code claims} gave this node the stream. */
  public IngestApi(Vertx vertx, StreamRegistry streams, FragmentArchive archive, TimeIndex index, LiveFeeds liveFeeds,
      FragmentNumberSource numbers, IngestConfig config, IngestClaims claims) {
    this(vertx, streams, archive, index, liveFeeds, numbers, config);
    this.claims = claims;
  }

  private IngestApi(Vertx vertx, StreamRegistry streams, FragmentArchive archive, TimeIndex index,
      LiveFeeds liveFeeds, FragmentNumberSource numbers, IngestConfig config, IngestBuffers buffers) {
    this(vertx, streams, archive, index, liveFeeds, numbers, config, buffers, BodyParsers.mkv(config, buffers),
        BodyParsers.mp4(vertx, config, buffers), System::nanoTime);
  }

  /** {@code nanoClock} times the call rate, the takeover rule and the idle timer ({@code System::nanoTime} outside tests). */
  IngestApi(Vertx vertx, StreamRegistry streams, FragmentArchive archive, TimeIndex index, LiveFeeds liveFeeds,
      FragmentNumberSource numbers, IngestConfig config, IngestBuffers buffers, BodyParser.Factory mkvParser,
      BodyParser.Factory mp4Parser, LongSupplier nanoClock) {
    this.vertx = vertx;
    this.buffers = buffers;
    this.streams = streams;
    this.archive = archive;
    this.index = index;
    this.liveFeeds = liveFeeds;
    this.numbers = numbers;
    this.config = config;
    this.nanoClock = nanoClock;
    this.storeFailures = new StoreFailureLog(nanoClock);
    this.calls = new CallRate(config.maxPutMediaCallsPerSecond(), nanoClock);
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

  /**
   * Observes, for each fragment acked PERSISTED, the nanoseconds from the moment ingest closed it
   * (the next fragment began, or the body ended) to its durable commit (stored and indexed): the
   * store's share of a producer's PERSISTED latency, to which the network, the event loops and the
   * producer's reading of its acks add. Called on any thread.
   */
  public void onPersisted(LongConsumer nanos) {
    this.persistedNanos = nanos;
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
      Caller.of(ctx).authorize(headers.stream());
    } catch (RuntimeException e) {
      refuse(ctx, e);
      return;
    }
    Context context = vertx.getOrCreateContext();
    streams.describe(headers.stream()).onComplete(ar -> context.runOnContext(v -> {
      if (ar.failed()) {
        refuse(ctx, ar.cause());
      } else if (ar.result().status() == StreamStatus.DELETING) {
        refuse(ctx, KvsError.RESOURCE_NOT_FOUND.exception("Stream " + headers.stream() + " is being deleted"));
      } else {
        start(ctx, context, ar.result(), headers);
      }
    }));
  }

  private void start(RoutingContext ctx, Context context, StreamInfo stream, PutMediaHeaders headers) {
    if (!calls.tryCall(stream.streamId())) {
      refuseLater(ctx, KvsError.CLIENT_LIMIT_EXCEEDED.exception("More than " + config.maxPutMediaCallsPerSecond()
          + " PutMedia calls per second on stream " + stream.streamName()));
      return;
    }
    claims.claim(stream).onComplete(ar -> context.runOnContext(v -> {
      if (ar.failed()) {
        refuseLater(ctx, ar.cause());
        return;
      }
      if (ar.result()) {
        // another node wrote the stream since: its numbers and index tail are read again
        sequencers.remove(stream.streamId());
      }
      admit(ctx, context, stream, headers);
    }));
  }

  private void admit(RoutingContext ctx, Context context, StreamInfo stream, PutMediaHeaders headers) {
    FragmentSequencer known = sequencers.get(stream.streamId());
    if (known != null) {
      open(ctx, context, stream, headers, known);
      return;
    }
    // First connection of this stream in this process: the minter's floor is raised to the index's
    // newest number, so fragment numbers keep increasing across restarts.
    numbers.numbersFor(stream).onComplete(ar -> context.runOnContext(v -> {
      if (ar.failed()) {
        refuse(ctx, new io.vidlog.kvs.KvsException(KvsError.SERVICE_UNAVAILABLE, "Stream index unavailable",
            ar.cause()));
        return;
      }
      FragmentSequencer sequencer = sequencers.computeIfAbsent(stream.streamId(),
          id -> new FragmentSequencer(index, ar.result()));
      open(ctx, context, stream, headers, sequencer);
    }));
  }

  private void open(RoutingContext ctx, Context context, StreamInfo stream, PutMediaHeaders headers,
      FragmentSequencer sequencer) {
    IngestSession.Deps deps = new IngestSession.Deps(vertx, config, archive, liveFeeds.feed(stream.streamId()),
        sequencer, mkvParser, mp4Parser, nanoClock, System::currentTimeMillis, persistedNanos, storeFailures);
    IngestSession session = new IngestSession(deps, context, new HttpExchange(vertx, ctx.request()), stream, headers);
    if (!active.claim(session, config.takeoverSilence().toNanos())) {
      refuseLater(ctx, KvsError.CONNECTION_LIMIT_EXCEEDED.exception("Stream " + stream.streamName()
          + " already has an active PutMedia connection"));
      return;
    }
    session.start(() -> active.release(session));
  }

  /**
   * Any failure before the 200 (the server's failure handler renders it). The body the client may
   * already be sending is read and dropped for a moment before the connection closes, so the error
   * reaches the client instead of a TCP reset.
   */
  /**
   * A refusal a producer will simply retry (the stream is busy, or it calls too often): answered
   * after {@link #RETRY_REFUSAL_DELAY}, the request paused meanwhile. AWS's C producer SDK retries a
   * refused PutMedia at once, whatever the error (its back-off is spent on cached control-plane
   * steps), and was seen making about 27 calls a second, each pushing megabytes of buffered video;
   * the delay holds such a producer to about one call a second without costing the server more
   * than a paused connection.
   */
  private void refuseLater(RoutingContext ctx, Throwable error) {
    vertx.setTimer(RETRY_REFUSAL_DELAY.toMillis(), t -> refuse(ctx, error));
  }

  private void refuse(RoutingContext ctx, Throwable error) {
    HttpExchange.discardThenClose(vertx, ctx.request());
    ctx.fail(error);
  }

  /**
   * Another node asks for a stream this node ingests (a cluster's takeover). Unless {@code force},
   * an owner whose producer is active keeps it, as against a second connection on this node
   * ({@code ActiveConnections}); otherwise the connection is superseded (ErrorId 4000 after its
   * pending acks) and the stream's numbering is forgotten here. Returns whether it was given up.
   * {@code force}: this node lost the stream already (it was fenced) and must stop at once.
   */
  public boolean release(String streamId, boolean force) {
    IngestSession owner = active.owner(streamId);
    if (owner != null && !force && owner.producerActive(config.takeoverSilence().toNanos())) {
      return false;
    }
    if (owner != null) {
      owner.context().runOnContext(v -> owner.supersede());
    }
    sequencers.remove(streamId);
    return true;
  }

  private void onStreamDeleted(StreamInfo stream) {
    IngestSession owner = active.owner(stream.streamId());
    if (owner != null) {
      owner.context().runOnContext(v -> owner.streamDeleted());
    }
    sequencers.remove(stream.streamId());
    calls.forget(stream.streamId());
  }
}
