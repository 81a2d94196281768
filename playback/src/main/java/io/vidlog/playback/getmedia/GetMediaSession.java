package io.vidlog.playback.getmedia;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveSubscription;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.StreamError;
import io.vidlog.playback.chunk.ChunkOutput;
import io.vidlog.playback.chunk.StoredChunkStreamer;
import io.vidlog.kvs.StreamError;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GetMedia response after its headers are sent (kvs-api.md §2): stored chunks in fragment-number
 * order from the index until the live edge, then the stream's live feed, frame by frame. All state
 * lives on the request's Vert.x context.
 *
 * <p>The {@code cursor} is the number of the last fragment fully sent (or the position to continue
 * after): the stored path asks the index for the fragment after it, and the live path subscribes
 * from it, so hand-over has neither gap nor duplicate. Between the index's "nothing newer" and the
 * subscription a fragment may be persisted; the subscription is therefore made paused and the index
 * asked again, and if it has something newer the session goes back to the store.
 *
 * <p>A chunk is never cut in the middle on purpose: when the session length is reached, the
 * response ends after the fragment in progress, so the last continuation token received is exact.
 * A refused live fragment ({@link LiveEvent.FragmentAborted}) is closed with the usual post-cluster
 * Tags: the reader has seen its frames, and its continuation token is that fragment's number, which
 * never appears in the store (a resume continues with the next fragment).
 */
final class GetMediaSession {
  private static final Logger LOG = LoggerFactory.getLogger(GetMediaSession.class);

  private final Context context;
  private final StreamInfo stream;
  private final TimeIndex index;
  private final StoredChunkStreamer stored;
  private final LiveFeed feed;
  private final ChunkOutput out;
  private final LongSupplier clock;
  private final Runnable onFinish;

  private FragmentNumber cursor;
  private FragmentRecord first;
  private boolean nowMode;
  private StartPoint.LiveFrom liveFrom;
  /** With {@code liveFrom}: the last fragment skipped as starting before the timestamp, and the one before it. */
  private LiveEvent.FragmentStart skipped;
  private FragmentNumber beforeSkipped;
  private boolean expired;
  private boolean finished;
  /** True while a chunk is partly written (its end decides when the session may end). */
  private boolean midChunk;
  private int behindWindowRetries;
  private long timerId = -1;
  private long idleMillis;
  private long idleTimerId = -1;
  /** When the live path last saw an event (or subscribed), for the idle end; System.nanoTime. */
  private long lastLiveNanos;
  private StoredChunkStreamer.Transfer transfer;
  private LiveSubscription subscription;
  private LiveEvent.FragmentStart current;
  private Prefetch prefetched;

  GetMediaSession(Context context, StreamInfo stream, TimeIndex index, StoredChunkStreamer stored, LiveFeed feed,
      ChunkOutput out, LongSupplier clock, Runnable onFinish) {
    this.context = context;
    this.stream = stream;
    this.index = index;
    this.stored = stored;
    this.feed = feed;
    this.out = out;
    this.clock = clock;
    this.onFinish = onFinish;
  }

  void start(StartPoint start, long maxSessionMillis, long liveIdleMillis) {
    idleMillis = liveIdleMillis;
    timerId = context.owner().setTimer(maxSessionMillis, t -> {
      timerId = -1;
      expire();
    });
    if (start instanceof StartPoint.Now) {
      nowMode = true;
      goLive();
    } else if (start instanceof StartPoint.After a) {
      cursor = a.after();
      if (stream.persists()) {
        readStored();
      } else {
        goLive();
      }
    } else if (start instanceof StartPoint.At at) {
      first = at.first();
      readStored();
    } else if (start instanceof StartPoint.LiveFrom lf) {
      liveFrom = lf;
      cursor = StartResolver.BEFORE_ALL;
      goLive();
    }
  }

  /**
   * Ends the response after the fragment in progress, as when the session length is reached: the
   * reader's last continuation token stays exact (session expiry, server shutdown).
   */
  void expire() {
    expired = true;
    if (!midChunk) {
      finish();
    }
  }

  Context context() {
    return context;
  }

  /** The reader went away: stop everything, write nothing more. */
  void closed() {
    finish();
  }

  // ---- stored path --------------------------------------------------------------------------

  private void readStored() {
    if (finished) {
      return;
    }
    if (expired) {
      finish();
      return;
    }
    Future<FragmentRecord> next;
    Prefetch ahead = prefetched != null && cursor != null && prefetched.after().equals(cursor) ? prefetched : null;
    prefetched = null;
    if (ahead != null) {
      next = ahead.next();
    } else if (first != null) {
      next = Future.succeededFuture(first);
      first = null;
    } else if (cursor == null) {
      next = index.earliest(stream);
    } else {
      next = index.next(stream, cursor);
    }
    next.onComplete(ar -> {
      if (finished) {
        return;
      }
      if (ar.failed()) {
        failInStream(ar.cause(), cursor);
      } else if (ar.result() == null) {
        goLive();
      } else {
        FragmentNumber number = ar.result().number();
        sendStored(number, ahead != null ? ahead.open() : stored.open(stream, number));
      }
    });
  }

  private void sendStored(FragmentNumber number, Future<StoredChunkStreamer.Transfer> opening) {
    midChunk = true;
    opening.onComplete(open -> {
      if (finished) {
        if (open.succeeded()) {
          open.result().cancel();
        }
        return;
      }
      if (open.failed()) {
        midChunk = false;
        if (StoreException.isNotFound(open.cause())) {
          // Expired by retention between the index read and the open: it is gone, move past it.
          cursor = number;
          context.runOnContext(v -> readStored());
        } else {
          failInStream(open.cause(), number);
        }
        return;
      }
      transfer = open.result();
      transfer.writeTo(out, false).onComplete(done -> storedDone(number, done));
      prefetch(number);
    });
  }

  /**
   * Looks up and opens the fragment after {@code number} while {@code number} streams, so replay
   * does not stall on an index lookup and a chunk-header read between fragments.
   */
  private void prefetch(FragmentNumber number) {
    Future<FragmentRecord> next = index.next(stream, number);
    Future<StoredChunkStreamer.Transfer> open = next.compose(rec -> rec == null
        ? Future.succeededFuture(null)
        : stored.open(stream, rec.number()));
    prefetched = new Prefetch(number, next, open);
  }

  /** The lookup and open of the fragment after {@code after}, started ahead of time. */
  private record Prefetch(FragmentNumber after, Future<FragmentRecord> next,
      Future<StoredChunkStreamer.Transfer> open) {}

  private void storedDone(FragmentNumber number, AsyncResult<?> done) {
    transfer = null;
    midChunk = false;
    if (finished) {
      return;
    }
    if (done.failed()) {
      failInStream(done.cause(), number);
      return;
    }
    cursor = number;
    behindWindowRetries = 0;
    // Bounce through the event loop so a long run of fast stored chunks never deepens the stack.
    context.runOnContext(v -> readStored());
  }

  // ---- live path ----------------------------------------------------------------------------

  private void goLive() {
    if (finished) {
      return;
    }
    if (expired) {
      finish();
      return;
    }
    FragmentNumber from = cursor != null ? cursor : nowMode ? null : StartResolver.BEFORE_ALL;
    LiveSubscription sub = feed.subscribe(from, this::onLive, this::onCutOff);
    subscription = sub;
    lastLiveNanos = System.nanoTime();
    armIdle(idleMillis);
    if (!stream.persists() || from == null) {
      return;
    }
    // Re-check the index with the subscription paused (events queue meanwhile): a fragment persisted
    // after our last index read may already have left the live window.
    sub.pause();
    Future<FragmentRecord> check = index.next(stream, from);
    check.onComplete(ar -> {
      if (finished || subscription != sub) {
        return;
      }
      if (ar.succeeded() && ar.result() != null) {
        sub.cancel();
        subscription = null;
        readStored();
      } else {
        sub.resume();
      }
    });
  }

  /**
   * Ends a live response that has waited {@code idleMillis} at the live edge with no fragment in
   * progress. Without it the listener's idle timeout would close the connection in the middle of
   * the chunked response; this way the response ends cleanly and the reader resumes with its token.
   */
  private void armIdle(long delayMillis) {
    if (finished || idleTimerId >= 0) {
      return;
    }
    idleTimerId = context.owner().setTimer(Math.max(1, delayMillis), t -> {
      idleTimerId = -1;
      if (finished || subscription == null) {
        return; // back on the stored path: the next goLive arms it again
      }
      long quietMillis = (System.nanoTime() - lastLiveNanos) / 1_000_000;
      if (!midChunk && quietMillis >= idleMillis) {
        finish();
      } else {
        armIdle(midChunk ? idleMillis : idleMillis - quietMillis);
      }
    });
  }

  private void onLive(LiveEvent event) {
    if (finished) {
      return;
    }
    lastLiveNanos = System.nanoTime();
    if (event instanceof LiveEvent.FragmentStart s) {
      liveStart(s);
    } else if (event instanceof LiveEvent.Frame f) {
      if (current != null && f.number().equals(current.number())) {
        // One write per frame: each write is flushed, and over TLS each flush is a record.
        Buffer header = ChunkMkv.simpleBlockHeader(f.trackNumber(), f.relativeTimecode(), f.flags(),
            f.payload().length());
        out.write(Buffer.buffer(header.length() + f.payload().length()).appendBuffer(header).appendBuffer(f.payload()));
      }
    } else if (event instanceof LiveEvent.FragmentEnd e) {
      if (current == null && liveFrom != null && skipped != null && e.number().equals(skipped.number())) {
        skippedEnded(e);
        return;
      }
      if (current != null && e.number().equals(current.number())) {
        long behind = clock.getAsLong() - (e.header().serverTimestampMillis() + e.header().durationMillis());
        out.write(e.mkvTrailer().copy().appendBuffer(ChunkMkv.kvsPostCluster(behind, e.number().value())));
        liveChunkDone(e.number());
      }
    } else if (event instanceof LiveEvent.FragmentAborted a) {
      if (current != null && a.number().equals(current.number())) {
        // The unknown-size Cluster ends at the next level-1 element (RFC 9559 §6.3, unknown sizes).
        out.write(ChunkMkv.kvsPostCluster(0, a.number().value()));
        liveChunkDone(a.number());
      }
    }
    if (!finished && subscription != null && out.writeQueueFull()) {
      LiveSubscription sub = subscription;
      sub.pause();
      out.drainHandler(v -> {
        if (subscription == sub && !finished) {
          sub.resume();
        }
      });
    }
  }

  private void liveStart(LiveEvent.FragmentStart s) {
    if (cursor != null && s.number().compareTo(cursor) <= 0) {
      return; // already sent from the store
    }
    if (liveFrom != null) {
      long ts = liveFrom.producer() ? s.producerTimestampMillis() : s.serverTimestampMillis();
      if (ts < liveFrom.millis()) {
        beforeSkipped = skipped != null ? skipped.number() : null;
        skipped = s;
        return;
      }
      liveFrom = null;
      skipped = null;
    }
    current = s;
    midChunk = true;
    out.write(s.mkvHeader().copy()
        .appendBuffer(ChunkMkv.kvsPreCluster(s.number(), s.serverTimestampMillis(), s.producerTimestampMillis(), false))
        .appendBuffer(ChunkMkv.clusterStart(s.clusterTimecode())));
  }

  /**
   * A retention-0 timestamp selector starts with the fragment that contains the timestamp
   * (kvs-api.md §2), but a fragment's end is known only when it ends. A skipped fragment that turns
   * out to reach past the timestamp is sent after all: subscribe again from the fragment before it,
   * which the window still holds (it has just ended).
   */
  private void skippedEnded(LiveEvent.FragmentEnd e) {
    long start = liveFrom.producer() ? skipped.producerTimestampMillis() : skipped.serverTimestampMillis();
    if (start + e.header().durationMillis() <= liveFrom.millis()) {
      return;
    }
    liveFrom = null;
    cursor = beforeSkipped != null ? beforeSkipped : StartResolver.BEFORE_ALL;
    skipped = null;
    beforeSkipped = null;
    LiveSubscription old = subscription;
    subscription = null;
    old.cancel();
    goLive();
  }

  private void liveChunkDone(FragmentNumber number) {
    cursor = number;
    current = null;
    midChunk = false;
    behindWindowRetries = 0;
    if (expired) {
      finish();
    }
  }

  private void onCutOff(LiveFeed.CutOff cutOff) {
    subscription = null;
    if (finished) {
      return;
    }
    switch (cutOff.reason()) {
      case BEHIND_WINDOW -> {
        // The fragment after our cursor has left the live window. Persisted streams find it in the
        // store (once: the index is asked again). A reader that asked for "the earliest there is"
        // (EARLIEST, or a timestamp past everything stored) starts at the next fragment instead. A
        // reader that asked for a fragment by number on a retention-0 stream has lost it
        // (kvs-api.md §2 "Zero retention"): 4000 in-stream.
        if (current != null) {
          // Fell behind mid-fragment (a paused reader whose events were evicted): like a slow
          // consumer, the response ends and the reader resumes from its last token.
          finish();
        } else if (stream.persists() && behindWindowRetries++ == 0) {
          readStored();
        } else if ((cursor == null || cursor.equals(StartResolver.BEFORE_ALL))) {
          cursor = null;
          nowMode = true;
          goLive();
        } else {
          failInStream(StreamError.FRAGMENT_NOT_FOUND, cursor, "The requested fragment is no longer available");
        }
      }
      case SLOW_CONSUMER -> {
        // The reader fell too far behind the producer; it resumes from its last continuation token.
        LOG.info("GetMedia reader of stream {} cut off as a slow consumer after fragment {}", stream.streamName(),
            cursor);
        finish();
      }
      case STREAM_DELETED, SHUTDOWN -> finish();
    }
  }

  // ---- ending -------------------------------------------------------------------------------

  private void failInStream(Throwable cause, FragmentNumber number) {
    LOG.warn("GetMedia on stream {} failed at fragment {}", stream.streamName(), number, cause);
    failInStream(StreamError.INTERNAL_ERROR, number, "Internal error");
  }

  private void failInStream(StreamError error, FragmentNumber number, String message) {
    if (finished) {
      return;
    }
    out.endWithError(number == null ? "0" : number.value(), error, message, false);
    finish();
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (timerId >= 0) {
      context.owner().cancelTimer(timerId);
    }
    if (idleTimerId >= 0) {
      context.owner().cancelTimer(idleTimerId);
      idleTimerId = -1;
    }
    if (subscription != null) {
      subscription.cancel();
      subscription = null;
    }
    if (transfer != null) {
      transfer.cancel();
      transfer = null;
    }
    if (prefetched != null) {
      prefetched.open().onSuccess(t -> {
        if (t != null) {
          t.cancel();
        }
      });
      prefetched = null;
    }
    out.end();
    onFinish.run();
  }
}
