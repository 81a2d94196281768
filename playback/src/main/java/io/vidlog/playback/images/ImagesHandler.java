package io.vidlog.playback.images;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.http.Fields;
import io.vidlog.playback.chunk.ConnectionLimiter;
import io.vidlog.playback.chunk.StreamLookup;
import io.vidlog.playback.request.ImagesRequest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /getImages} (docs/wire-protocol.md §3.4): one page of the times the request asks for,
 * each answered with an image of the frame presented at it, {@code NO_MEDIA} when no fragment
 * covers it, or {@code MEDIA_ERROR} when the media there gives no picture (no H.264 video, a frame
 * jcodec cannot decode). Fragments are read on the event loop as they stream in; decoding and
 * encoding run on the images worker pool, one fragment at a time per request, within the page's
 * frame budget. A page that spends its budget, or its bytes, ends early with a NextToken for the
 * first time it did not answer.
 */
final class ImagesHandler implements Handler<RoutingContext> {
  /** KVS's largest ImageContent, in base64 characters. */
  static final int MAX_IMAGE_CONTENT = 6 * 1024 * 1024;
  /** Image bytes (base64) after which a page ends early: a response stays well below 200 MB of JSON. */
  static final long MAX_PAGE_CONTENT = 32L << 20;

  private final StreamLookup lookup;
  private final TimeIndex index;
  private final FragmentReader reader;
  private final WorkerExecutor workers;
  private final ImagesConfig config;
  private final ConnectionLimiter requests;

  ImagesHandler(StreamLookup lookup, TimeIndex index, FragmentReader reader, WorkerExecutor workers,
      ImagesConfig config) {
    this.lookup = lookup;
    this.index = index;
    this.reader = reader;
    this.workers = workers;
    this.config = config;
    this.requests = new ConnectionLimiter(config.concurrentPerStream());
  }

  /** One answered time. */
  record Image(long timeMillis, String content, String error) {
    JsonObject json() {
      JsonObject o = new JsonObject().put("TimeStamp", BigDecimal.valueOf(timeMillis, 3));
      return content != null ? o.put("ImageContent", content) : o.put("Error", error);
    }
  }

  /** The page: the times answered so far, in order. */
  static final class Page {
    final ImagesRequest req;
    final int end;
    final List<Image> images = new ArrayList<>();
    final FramePictures.Budget budget;
    long contentBytes;
    boolean stopped;

    Page(ImagesRequest req, int decodedFrames) {
      this.req = req;
      this.end = Math.min(req.count(), req.first() + req.pageSize());
      this.budget = new FramePictures.Budget(decodedFrames);
    }

    int next() {
      return req.first() + images.size();
    }

    boolean anyImage() {
      return images.stream().anyMatch(i -> i.content != null);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    Fields.request(ctx)
        .map(ImagesRequest::parse)
        .compose(req -> lookup.find(ctx, req.stream()).compose(stream -> serve(req, stream)))
        .onFailure(ctx::fail)
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json").end(body.toBuffer()));
  }

  private Future<JsonObject> serve(ImagesRequest req, StreamInfo stream) {
    if (!stream.persists()) {
      return Future.failedFuture(KvsError.NO_DATA_RETENTION.exception("Stream " + stream.streamName()
          + " keeps no data (DataRetentionInHours is 0)"));
    }
    if (!requests.tryAcquire(stream.streamId())) {
      return Future.failedFuture(KvsError.CLIENT_LIMIT_EXCEEDED.exception("Stream " + stream.streamName()
          + " has " + config.concurrentPerStream() + " GetImages requests in progress; try again later"));
    }
    Page page = new Page(req, config.decodedFramesPerPage());
    return groups(stream, req, page)
        .compose(groups -> answer(stream, page, groups, 0))
        .map(v -> render(page))
        .onComplete(v -> requests.release(stream.streamId()));
  }

  /** The times of one page that one fragment answers (null fragment: none does). */
  record Group(FragmentRecord fragment, int first, int count) {}

  /** The page's times, grouped by the fragment that covers each. */
  private Future<List<Group>> groups(StreamInfo stream, ImagesRequest req, Page page) {
    long firstTime = req.time(req.first());
    long lastTime = req.time(page.end - 1);
    return index.locate(stream, req.kind(), firstTime).compose(at -> {
      long from = at == null ? firstTime : Math.min(FragmentReader.start(at, req.kind()), firstTime);
      // up to a gap's tolerance past the last time: the fragment after a short gap must be seen
      return index.range(stream, req.kind(), from, lastTime + MAX_JOIN_GAP_MILLIS, 1_000, null);
    }).map(range -> {
      List<Group> out = new ArrayList<>();
      for (int k = req.first(); k < page.end; k++) {
        FragmentRecord r = covering(range.records(), req.kind(), req.time(k));
        Group last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && last.fragment() == r) {
          out.set(out.size() - 1, new Group(r, last.first(), last.count() + 1));
        } else {
          out.add(new Group(r, k, 1));
        }
      }
      return out;
    });
  }

  /** The longest gap between two fragments across which the earlier one's last frame stays on screen. */
  static final long MAX_JOIN_GAP_MILLIS = 1_000;

  /**
   * The fragment that covers {@code t}: it starts at or before it and lasts past it (a fragment of
   * one frame covers its start). Of several, the earliest ingested (as GetClip resolves producer
   * timestamp duplicates). A time in a short gap before the next fragment belongs to the fragment
   * before the gap, whose last frame a player keeps showing: without frame durations (the AWS C
   * producer SDK sends none) a fragment's length ends at its last
   * frame's start, not its end, and server timestamps are arrival times, so one continuous
   * recording leaves gaps of a frame or two plus arrival jitter between its fragments (78 ms at
   * 25 fps from the AWS C producer SDK). A gap is short when it is under a quarter of the earlier
   * fragment's length and at most {@link #MAX_JOIN_GAP_MILLIS}; a missing fragment or the end of
   * the stream stays {@code NO_MEDIA} (docs/wire-protocol.md §3.4).
   */
  static FragmentRecord covering(List<FragmentRecord> records, TimestampKind kind, long t) {
    FragmentRecord best = null;
    FragmentRecord before = null;
    long nextStart = Long.MAX_VALUE;
    for (FragmentRecord r : records) {
      long start = FragmentReader.start(r, kind);
      if (start <= t && (t < end(r, kind) || t == start)) {
        if (best == null || r.number().compareTo(best.number()) < 0) {
          best = r;
        }
      } else if (start > t) {
        nextStart = Math.min(nextStart, start);
      } else if (before == null || end(r, kind) > end(before, kind)) {
        before = r;
      }
    }
    if (best != null || before == null || nextStart == Long.MAX_VALUE) {
      return best;
    }
    long gap = nextStart - end(before, kind);
    return gap < before.durationMillis() / 4 && gap <= MAX_JOIN_GAP_MILLIS ? before : null;
  }

  private static long end(FragmentRecord r, TimestampKind kind) {
    return FragmentReader.start(r, kind) + r.durationMillis();
  }

  private Future<Void> answer(StreamInfo stream, Page page, List<Group> groups, int i) {
    if (i == groups.size() || page.stopped) {
      return Future.succeededFuture();
    }
    Group g = groups.get(i);
    if (g.fragment() == null) {
      for (int k = 0; k < g.count(); k++) {
        page.images.add(new Image(page.req.time(g.first() + k), null, "NO_MEDIA"));
      }
      return answer(stream, page, groups, i + 1);
    }
    long[] times = new long[g.count()];
    for (int k = 0; k < times.length; k++) {
      times[k] = page.req.time(g.first() + k);
    }
    long start = FragmentReader.start(g.fragment(), page.req.kind());
    FrameCollector collector = new FrameCollector(start, times[times.length - 1], config.maxFragmentBytes(), false);
    Promise<Void> done = Promise.promise();
    reader.read(stream, g.fragment(), collector).onComplete(read -> {
      if (read.failed()) {
        if (StoreException.isNotFound(read.cause())) {
          for (long t : times) {
            page.images.add(new Image(t, null, "NO_MEDIA")); // expired since the index listed it
          }
          answer(stream, page, groups, i + 1).onComplete(done);
        } else {
          done.fail(read.cause());
        }
        return;
      }
      workers.executeBlocking(() -> pictures(page, collector, times), false).onComplete(made -> {
        if (made.failed()) {
          done.fail(made.cause());
          return;
        }
        page.images.addAll(made.result());
        if (made.result().size() < times.length) {
          page.stopped = true;
        }
        answer(stream, page, groups, i + 1).onComplete(done);
      });
    });
    return done.future();
  }

  /** On a worker: the group's pictures, encoded, up to where the page's budget ends. */
  private List<Image> pictures(Page page, FrameCollector collector, long[] times) {
    List<Image> out = new ArrayList<>();
    if (collector.problem() != FrameCollector.Problem.NONE) {
      for (long t : times) {
        out.add(new Image(t, null, "MEDIA_ERROR"));
      }
      return out;
    }
    ImageEncoder.Spec spec = new ImageEncoder.Spec(ImageEncoder.Format.valueOf(page.req.format()), page.req.width(),
        page.req.height(), page.req.quality());
    List<FramePictures.Answer> answers = FramePictures.pictures(collector.codecPrivate(), collector.frames(), times,
        page.budget, !page.anyImage());
    for (int k = 0; k < answers.size(); k++) {
      FramePictures.Answer a = answers.get(k);
      if (a.failed()) {
        out.add(new Image(times[k], null, "MEDIA_ERROR"));
        continue;
      }
      if (page.contentBytes >= MAX_PAGE_CONTENT && (page.anyImage() || !out.isEmpty())) {
        return out; // the page is full: the rest on the next one
      }
      String content = Base64.getEncoder().encodeToString(ImageEncoder.encode(a.picture(), spec));
      if (content.length() > MAX_IMAGE_CONTENT) {
        out.add(new Image(times[k], null, "MEDIA_ERROR"));
        continue;
      }
      page.contentBytes += content.length();
      out.add(new Image(times[k], content, null));
    }
    return out;
  }

  static JsonObject render(Page page) {
    JsonArray images = new JsonArray();
    page.images.forEach(i -> images.add(i.json()));
    JsonObject body = new JsonObject().put("Images", images);
    if (page.next() < page.req.count()) {
      body.put("NextToken", page.req.token(page.next()));
    }
    return body;
  }
}
