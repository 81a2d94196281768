package io.vidlog.playback.archive;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.kvs.KvsError;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.StreamError;
import io.vidlog.kvs.http.Fields;
import io.vidlog.playback.chunk.ChunkOutput;
import io.vidlog.playback.chunk.ConnectionLimiter;
import io.vidlog.playback.chunk.StoredChunkStreamer;
import io.vidlog.playback.chunk.StreamLookup;
import io.vidlog.playback.request.FragmentListRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /getMediaForFragmentList} (docs/wire-protocol.md §3.2): the listed fragments as chunks shaped
 * like GetMedia's, in the order requested, with the timestamp tags in both documented spellings and
 * without GetMedia's post-cluster MILLIS_BEHIND_NOW and CONTINUATION_TOKEN (docs/wire-protocol.md
 * §3.2 documents them for GetMedia only). A fragment that does
 * not exist (never did, or expired) becomes an error chunk carrying both the documented
 * {@code AWS_KINESISVIDEO_EXCEPTION_*} tags and GetMedia's ERROR_ID/ERROR_CODE, and the response
 * goes on with the next fragment rather than failing as a whole.
 */
public final class FragmentListHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FragmentListHandler.class);

  private final StreamLookup lookup;
  private final StoredChunkStreamer stored;
  private final ConnectionLimiter connections;

  public FragmentListHandler(StreamLookup lookup, StoredChunkStreamer stored, int connectionsPerStream) {
    this.lookup = lookup;
    this.stored = stored;
    this.connections = new ConnectionLimiter(connectionsPerStream);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Fields.request(ctx)
        .map(FragmentListRequest::parse)
        .compose(req -> lookup.find(ctx, req.stream()).map(stream -> {
          if (!connections.tryAcquire(stream.streamId())) {
            throw KvsError.CONNECTION_LIMIT_EXCEEDED.exception("Stream " + stream.streamName()
                + " has too many GetMediaForFragmentList connections");
          }
          return new Job(ctx, stream, req.fragments());
        }))
        .onFailure(ctx::fail)
        .onSuccess(Job::start);
  }

  private final class Job {
    private final Context context;
    private final StreamInfo stream;
    private final List<FragmentNumber> fragments;
    private final ChunkOutput out;
    private int next;
    private boolean finished;
    private StoredChunkStreamer.Transfer transfer;

    Job(RoutingContext ctx, StreamInfo stream, List<FragmentNumber> fragments) {
      this.context = ctx.vertx().getOrCreateContext();
      this.stream = stream;
      this.fragments = fragments;
      this.out = new ChunkOutput(ctx.response());
      ctx.response().closeHandler(v -> finish());
    }

    void start() {
      out.start();
      sendNext();
    }

    private void sendNext() {
      if (finished) {
        return;
      }
      if (next == fragments.size()) {
        finish();
        return;
      }
      FragmentNumber number = fragments.get(next++);
      if (!stream.persists()) {
        notFound(number);
        return;
      }
      stored.open(stream, number).onComplete(open -> {
        if (finished) {
          if (open.succeeded()) {
            open.result().cancel();
          }
          return;
        }
        if (open.failed()) {
          if (StoreException.isNotFound(open.cause())) {
            notFound(number);
          } else {
            LOG.warn("GetMediaForFragmentList on stream {} failed at fragment {}", stream.streamName(), number,
                open.cause());
            out.endWithError(number.value(), StreamError.INTERNAL_ERROR, "Internal error", true);
            finish();
          }
          return;
        }
        transfer = open.result();
        transfer.writeTo(out, StoredChunkStreamer.Framing.FRAGMENT_LIST).onComplete(done -> {
          transfer = null;
          if (finished) {
            return;
          }
          if (done.failed()) {
            LOG.warn("GetMediaForFragmentList on stream {} failed in fragment {}", stream.streamName(), number,
                done.cause());
            out.endWithError(number.value(), StreamError.INTERNAL_ERROR, "Internal error", true);
            finish();
            return;
          }
          context.runOnContext(v -> sendNext());
        });
      });
    }

    private void notFound(FragmentNumber number) {
      out.write(ChunkMkv.errorChunk(number.value(), StreamError.FRAGMENT_NOT_FOUND.id(),
          StreamError.FRAGMENT_NOT_FOUND.code(), "Fragment " + number.value() + " was not found", true));
      if (out.writeQueueFull()) {
        out.drainHandler(v -> sendNext());
      } else {
        context.runOnContext(v -> sendNext());
      }
    }

    private void finish() {
      if (finished) {
        return;
      }
      finished = true;
      if (transfer != null) {
        transfer.cancel();
        transfer = null;
      }
      out.end();
      connections.release(stream.streamId());
    }
  }
}
