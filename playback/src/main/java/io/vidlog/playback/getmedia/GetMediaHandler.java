package io.vidlog.playback.getmedia;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.http.Fields;
import io.vidlog.playback.PlaybackConfig;
import io.vidlog.playback.chunk.ChunkOutput;
import io.vidlog.playback.chunk.ConnectionLimiter;
import io.vidlog.playback.chunk.StoredChunkStreamer;
import io.vidlog.playback.chunk.StreamLookup;
import io.vidlog.playback.request.GetMediaRequest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@code POST /getMedia} (docs/wire-protocol.md §2): validates the request, authorises it, finds the stream,
 * takes a connection slot and resolves the start selector — any failure so far is a typed error
 * through {@code ctx.fail} — then sends the headers and hands the response to a {@link GetMediaSession}.
 */
public final class GetMediaHandler implements Handler<RoutingContext> {
  private final StreamLookup lookup;
  private final TimeIndex index;
  private final StoredChunkStreamer stored;
  private final LiveFeeds feeds;
  private final PlaybackConfig config;
  private final LongSupplier clock;
  private final ConnectionLimiter connections;
  private final StartResolver resolver;
  private final Set<GetMediaSession> sessions = ConcurrentHashMap.newKeySet();

  public GetMediaHandler(StreamLookup lookup, TimeIndex index, StoredChunkStreamer stored, LiveFeeds feeds,
      PlaybackConfig config, LongSupplier clock) {
    this.lookup = lookup;
    this.index = index;
    this.stored = stored;
    this.feeds = feeds;
    this.config = config;
    this.clock = clock;
    this.connections = new ConnectionLimiter(config.getMediaConnectionsPerStream());
    this.resolver = new StartResolver(index);
  }

  /** Open GetMedia responses of a stream (tests, metrics). */
  public int openConnections(String streamId) {
    return connections.open(streamId);
  }

  /**
   * Ends every open GetMedia response after its fragment in progress (server shutdown): readers get
   * a clean end and an exact continuation token instead of waiting out the shutdown grace period.
   */
  public void drain() {
    for (GetMediaSession s : sessions) {
      s.scheduler().runLater(s::endAfterChunk);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    Fields.request(ctx)
        .map(GetMediaRequest::parse)
        .compose(req -> lookup.find(ctx, req.stream()).map(stream -> {
          if (!connections.tryAcquire(stream.streamId())) {
            throw KvsError.CONNECTION_LIMIT_EXCEEDED.exception("Stream " + stream.streamName() + " already has "
                + config.getMediaConnectionsPerStream() + " GetMedia connections");
          }
          return new Accepted(req, stream);
        }))
        .onFailure(ctx::fail)
        .onSuccess(accepted -> resolver.resolve(accepted.stream, accepted.request.selector()).onComplete(ar -> {
          if (ar.failed()) {
            connections.release(accepted.stream.streamId());
            ctx.fail(ar.cause());
            return;
          }
          start(ctx, accepted.stream, ar.result());
        }));
  }

  private void start(RoutingContext ctx, StreamInfo stream, StartPoint start) {
    ChunkOutput out = new ChunkOutput(ctx.response());
    boolean[] released = {false};
    GetMediaSession[] self = {null};
    Runnable release = () -> {
      if (!released[0]) {
        released[0] = true;
        connections.release(stream.streamId());
        sessions.remove(self[0]);
      }
    };
    GetMediaSession session = new GetMediaSession(SessionScheduler.on(ctx.vertx().getOrCreateContext()), stream,
        index, stored, feeds.feed(stream.streamId()), out, clock, config.maxSessionLength().toMillis(),
        config.liveIdleEnd().toMillis(), release);
    self[0] = session;
    sessions.add(session);
    ctx.response().closeHandler(v -> session.readerGone());
    out.start();
    session.start(start);
  }

  private record Accepted(GetMediaRequest request, StreamInfo stream) {}
}
