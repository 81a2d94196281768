package io.vidlog.playback.clip;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.http.Fields;
import io.vidlog.playback.chunk.ConnectionLimiter;
import io.vidlog.playback.chunk.StreamLookup;
import io.vidlog.playback.request.ClipRequest;
import java.util.function.LongSupplier;

/**
 * {@code POST /getClip} (docs/wire-protocol.md §3.3): the fragments whose start lies in the range
 * (producer-timestamp duplicates resolved, at most {@link ClipConfig#maxFragments}) become one
 * progressive MP4, planned from a first reading of the fragments and streamed from a second.
 * Every refusal (the request, the stream, the media) comes before the first byte.
 */
final class ClipHandler implements Handler<RoutingContext> {
  /** Index page size while choosing fragments. */
  private static final int PAGE = 1_000;
  /**
   * Records read while choosing at most this many times the fragment limit: a range of endless
   * producer-timestamp duplicates cannot keep a request reading the index.
   */
  private static final int MAX_RECORDS_PER_FRAGMENT = 20;

  private final StreamLookup lookup;
  private final TimeIndex index;
  private final FragmentArchive archive;
  private final ClipPlanner planner;
  private final ClipConfig config;
  private final ConnectionLimiter clips;
  private final LongSupplier clock;

  ClipHandler(StreamLookup lookup, TimeIndex index, FragmentArchive archive, ClipConfig config, LongSupplier clock) {
    this.lookup = lookup;
    this.index = index;
    this.archive = archive;
    this.planner = new ClipPlanner(archive);
    this.config = config;
    this.clips = new ConnectionLimiter(config.concurrentPerStream());
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Fields.request(ctx)
        .map(f -> ClipRequest.parse(f, clock.getAsLong()))
        .compose(req -> lookup.find(ctx, req.stream()).compose(stream -> serve(ctx, req, stream)))
        .onFailure(e -> {
          if (!ctx.response().headWritten()) {
            ctx.fail(e);
          }
        });
  }

  private Future<Void> serve(RoutingContext ctx, ClipRequest req, StreamInfo stream) {
    if (!stream.persists()) {
      return Future.failedFuture(KvsError.NO_DATA_RETENTION.exception("Stream " + stream.streamName()
          + " keeps no data (DataRetentionInHours is 0)"));
    }
    if (!clips.tryAcquire(stream.streamId())) {
      return Future.failedFuture(KvsError.CLIENT_LIMIT_EXCEEDED.exception("Stream " + stream.streamName()
          + " has " + config.concurrentPerStream() + " clips in progress; try again later"));
    }
    return select(stream, req)
        .compose(selection -> planner.plan(stream, selection.fragments(), selection.clusterPositionsNs(), config))
        .compose(plan -> new ClipTransfer(archive, stream, plan, ctx.response()).start())
        .onComplete(v -> clips.release(stream.streamId()));
  }

  /** Reads the range from the index, page by page, until the selection is complete. */
  private Future<ClipSelection> select(StreamInfo stream, ClipRequest req) {
    ClipSelection selection = new ClipSelection(req.kind(), config.maxFragments());
    Promise<ClipSelection> done = Promise.promise();
    page(stream, req, selection, null, (long) config.maxFragments() * MAX_RECORDS_PER_FRAGMENT, done);
    return done.future();
  }

  private void page(StreamInfo stream, ClipRequest req, ClipSelection selection, String token, long budget,
      Promise<ClipSelection> done) {
    index.range(stream, req.kind(), req.startMillis(), req.endMillis(), PAGE, token).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      long left = budget;
      for (FragmentRecord r : ar.result().records()) {
        if (!selection.add(r) || --left == 0) {
          done.complete(selection);
          return;
        }
      }
      if (ar.result().nextToken() == null) {
        done.complete(selection);
      } else {
        page(stream, req, selection, ar.result().nextToken(), left, done);
      }
    });
  }
}
