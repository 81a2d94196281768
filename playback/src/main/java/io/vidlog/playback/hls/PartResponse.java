package io.vidlog.playback.hls;

import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.kvs.KvsError;
import io.vidlog.media.fmp4.MediaSegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to an LL-HLS part request (docs/wire-protocol.md §3.5): a complete part at once with
 * its Content-Length; the part being produced, or the next one (the playlist's EXT-X-PRELOAD-HINT),
 * as it is produced: each frame's chunk is written the moment it is made, without a length (chunked
 * transfer on HTTP/1.1, DATA frames on HTTP/2), and the response ends with the part. Callbacks come
 * from the stream's live parts under their lock and are handed to the request's context, where this
 * object lives.
 */
final class PartResponse implements LiveParts.PartReader {
  private enum Phase { WAITING, STREAMING, DONE }

  private final RoutingContext ctx;
  private final Context context;
  private final String cacheControl;
  private final Promise<Void> done = Promise.promise();
  private final List<MediaSegment> collected = new ArrayList<>();
  private Phase phase = Phase.WAITING;
  /** Set once {@link LiveParts#read} answered: a complete part is sent whole. */
  private LiveParts.Answer answer;

  private PartResponse(RoutingContext ctx, Context context, String cacheControl) {
    this.ctx = ctx;
    this.context = context;
    this.cacheControl = cacheControl;
  }

  /** Serves part {@code index} of a track of a fragment from {@code parts} (null: the session has no parts). */
  static Future<Void> serve(RoutingContext ctx, LiveParts parts, HlsSession session, FragmentNumber number, int track,
      int index, String cacheControl) {
    if (parts == null) {
      return Future.failedFuture(notFound(number, index));
    }
    PartResponse r = new PartResponse(ctx, ctx.vertx().getOrCreateContext(), cacheControl);
    LiveParts.Answer a = parts.read(number, track, index, session.kind(), r);
    if (a == LiveParts.Answer.NOT_FOUND) {
      return Future.failedFuture(notFound(number, index));
    }
    r.answer = a;
    if (a == LiveParts.Answer.STREAMING) {
      ctx.response().closeHandler(v -> parts.forget(number, track, index, r));
    }
    return r.done.future();
  }

  private static RuntimeException notFound(FragmentNumber number, int index) {
    return KvsError.RESOURCE_NOT_FOUND.exception("Part " + index + " of fragment " + number.value()
        + " is not available: parts are kept for the newest fragments of a live session only");
  }

  @Override
  public void chunk(MediaSegment chunk) {
    context.runOnContext(v -> onChunk(chunk));
  }

  @Override
  public void complete() {
    context.runOnContext(v -> onComplete());
  }

  @Override
  public void gone() {
    context.runOnContext(v -> onGone());
  }

  private void onChunk(MediaSegment chunk) {
    HttpServerResponse response = ctx.response();
    if (phase == Phase.DONE || response.closed()) {
      return;
    }
    if (answer == LiveParts.Answer.COMPLETE || ctx.request().method() == HttpMethod.HEAD) {
      collected.add(chunk);
      return;
    }
    if (phase == Phase.WAITING) {
      phase = Phase.STREAMING;
      headers(response);
      response.setChunked(true);
    }
    response.write(buffer(chunk));
  }

  private void onComplete() {
    HttpServerResponse response = ctx.response();
    if (phase == Phase.DONE) {
      return;
    }
    if (phase == Phase.STREAMING) {
      phase = Phase.DONE;
      response.end().onComplete(ar -> done.tryComplete());
      return;
    }
    phase = Phase.DONE;
    long length = 0;
    for (MediaSegment c : collected) {
      length += c.length();
    }
    headers(response);
    response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    if (ctx.request().method() == HttpMethod.HEAD) {
      response.end().onComplete(ar -> done.tryComplete());
      return;
    }
    List<ByteBuffer> views = new ArrayList<>();
    for (MediaSegment c : collected) {
      views.addAll(c.buffers());
    }
    response.end(BufferInternal.buffer(Unpooled.wrappedBuffer(views.toArray(ByteBuffer[]::new))))
        .onComplete(ar -> done.tryComplete());
  }

  private void onGone() {
    if (phase == Phase.WAITING) {
      phase = Phase.DONE;
      done.tryFail(KvsError.RESOURCE_NOT_FOUND.exception("The part was never produced: its fragment ended first"));
    } else if (phase == Phase.STREAMING) {
      phase = Phase.DONE;
      ctx.response().reset();
      done.tryComplete();
    }
  }

  private void headers(HttpServerResponse response) {
    response.putHeader(HttpHeaders.CONTENT_TYPE, "video/mp4");
    response.putHeader(HttpHeaders.CACHE_CONTROL, cacheControl);
  }

  private static Buffer buffer(MediaSegment chunk) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(chunk.buffers().toArray(ByteBuffer[]::new)));
  }
}
