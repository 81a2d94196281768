package io.vidlog.playback.getmedia;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveSubscription;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.StreamError;
import io.vidlog.playback.chunk.ChunkSink;
import io.vidlog.playback.chunk.StoredChunkStreamer;
import io.vidlog.playback.getmedia.StoredChunkReader.Fetched;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GetMedia response after its headers are sent (docs/wire-protocol.md §2): stored chunks in
 * fragment-number order until the live edge, then the stream's live feed, frame by frame. An
 * explicit state machine ({@link Phase}); all of it runs on the session's {@link SessionScheduler}.
 * Its concerns live in collaborators: {@link StoredChunkReader} (stored chunks, one ahead),
 * {@link LiveFromFilter} (which live fragments this reader sees), {@link SessionTimers} (session
 * length, idle end) and {@link SessionEnding} (clean end or error chunk, once).
 *
 * <p>The {@code position} is the number of the last fragment sent whole, or the position to continue
 * after (null: NOW, nothing sent yet). The stored path asks for the chunk after it and the live path
 * subscribes from it, so hand-over has neither gap nor duplicate. Between the index's "nothing
 * newer" and the subscription a fragment may be persisted that the live feed no longer (or never)
 * held; the subscription is therefore made paused and the index asked again ({@link
 * Phase#LIVE_RECHECK}).
 *
 * <p>A chunk is never cut in the middle on purpose: when the session length is reached or the
 * server drains, the response ends after the chunk in progress, so the last continuation token the
 * reader received is exact. A refused live fragment ({@link LiveEvent.FragmentAborted}) is closed
 * with the usual post-cluster Tags: the reader has seen its frames, and its continuation token is
 * that fragment's number, which never appears in the store (a resume continues with the next one).
 */
final class GetMediaSession {
  private static final Logger LOG = LoggerFactory.getLogger(GetMediaSession.class);

  /**
   * Where a session is. Every change goes through {@link #moveTo}, which refuses a transition not
   * listed in {@link #next()}:
   *
   * <pre>
   * NEW          → STORED_FETCH (a start in the store) | LIVE_EDGE (NOW, retention 0) | ENDED
   * STORED_FETCH → STORED_CHUNK (opened) | STORED_FETCH (chunk gone, try the next)
   *              | LIVE_RECHECK (nothing newer stored) | ENDED (store failure: 5000; end requested)
   * STORED_CHUNK → STORED_FETCH (chunk sent) | ENDED (store failure mid-chunk: 5000; end requested)
   * LIVE_RECHECK → STORED_FETCH (persisted meanwhile; or cut off behind the window)
   *              | LIVE_EDGE (nothing newer; or cut off behind the window with nothing to resume)
   *              | ENDED (cut off; idle; end requested; fragment lost: 4000)
   * LIVE_EDGE    → LIVE_CHUNK (a fragment starts) | LIVE_EDGE (subscribed again)
   *              | STORED_FETCH (cut off behind the window) | ENDED (cut off; idle; end requested; 4000)
   * LIVE_CHUNK   → LIVE_EDGE (fragment ended or aborted) | ENDED (cut off; end requested, after the chunk)
   * ENDED        (final: response ended, subscription, transfer, prefetch and timers released)
   * </pre>
   */
  enum Phase {
    /** Created; {@link #start} not called yet. */
    NEW,
    /** Looking up and opening the next stored chunk (or taking the one opened ahead). */
    STORED_FETCH,
    /** Writing a stored chunk. */
    STORED_CHUNK,
    /** Subscribed with delivery paused, asking the index whether something newer was persisted meanwhile. */
    LIVE_RECHECK,
    /** At the live edge between fragments, waiting for the next fragment the filter admits. */
    LIVE_EDGE,
    /** Writing a live fragment as its frames arrive. */
    LIVE_CHUNK,
    /** The response has ended. */
    ENDED;

    Set<Phase> next() {
      return switch (this) {
        case NEW -> EnumSet.of(STORED_FETCH, LIVE_EDGE, ENDED);
        case STORED_FETCH -> EnumSet.of(STORED_CHUNK, STORED_FETCH, LIVE_RECHECK, ENDED);
        case STORED_CHUNK -> EnumSet.of(STORED_FETCH, ENDED);
        case LIVE_RECHECK -> EnumSet.of(STORED_FETCH, LIVE_EDGE, ENDED);
        case LIVE_EDGE -> EnumSet.of(LIVE_CHUNK, LIVE_EDGE, STORED_FETCH, ENDED);
        case LIVE_CHUNK -> EnumSet.of(LIVE_EDGE, ENDED);
        case ENDED -> EnumSet.noneOf(Phase.class);
      };
    }

    /** True while part of a chunk has been written: an end that is asked for waits for the chunk's end. */
    boolean midChunk() {
      return this == STORED_CHUNK || this == LIVE_CHUNK;
    }
  }

  /** One subscription to the live feed; events of an earlier one are recognised and dropped. */
  private static final class Leg {
    LiveSubscription subscription;
  }

  private final SessionScheduler scheduler;
  private final StreamInfo stream;
  private final TimeIndex index;
  private final StoredChunkReader stored;
  private final LiveFeed feed;
  private final ChunkSink out;
  private final LongSupplier clock;
  private final SessionTimers timers;
  private final SessionEnding ending;

  private Phase phase = Phase.NEW;
  private FragmentNumber position;
  private LiveFromFilter filter = LiveFromFilter.afterPosition();
  /** Set when the session length is reached or the server drains while a chunk is in progress. */
  private boolean endAfterChunk;
  /** The position at which a cut-off behind the live window last sent the session back to the store. */
  private FragmentNumber storeRetriedAt;
  /** STORED_CHUNK: the chunk being written. */
  private StoredChunkStreamer.Transfer transfer;
  /** LIVE_*: the current subscription. */
  private Leg live;
  /** LIVE_CHUNK: the fragment being written. */
  private LiveEvent.FragmentStart current;

  GetMediaSession(SessionScheduler scheduler, StreamInfo stream, TimeIndex index, StoredChunkStreamer stored,
      LiveFeed feed, ChunkSink out, LongSupplier clock, long maxSessionMillis, long liveIdleMillis,
      Runnable onFinish) {
    this.scheduler = scheduler;
    this.stream = stream;
    this.index = index;
    this.stored = new StoredChunkReader(stream, index, stored);
    this.feed = feed;
    this.out = out;
    this.clock = clock;
    this.timers = new SessionTimers(scheduler, maxSessionMillis, liveIdleMillis);
    this.ending = new SessionEnding(out, stream.streamName(), onFinish);
  }

  Phase phase() {
    return phase;
  }

  SessionScheduler scheduler() {
    return scheduler;
  }

  void start(StartPoint start) {
    if (phase != Phase.NEW) {
      return; // ended before it started
    }
    timers.start(this::endAfterChunk, this::idle);
    if (start instanceof StartPoint.Now) {
      position = null;
      subscribe();
    } else if (start instanceof StartPoint.LiveFrom from) {
      filter = LiveFromFilter.fromTimestamp(from.millis(), from.producer());
      position = StartResolver.BEFORE_ALL;
      subscribe();
    } else if (start instanceof StartPoint.After after) {
      position = after.after();
      if (stream.persists()) {
        fetch(stored.after(position));
      } else {
        subscribe();
      }
    } else if (start instanceof StartPoint.At at) {
      fetch(stored.first(at.first()));
    }
  }

  /**
   * Ends the response after the chunk in progress, or now when none is (session length reached,
   * server drain): the reader's last continuation token stays exact.
   */
  void endAfterChunk() {
    if (phase.midChunk()) {
      endAfterChunk = true;
    } else {
      end();
    }
  }

  /** The reader went away: stop everything, write nothing more. */
  void readerGone() {
    end();
  }

  // ---- stored path --------------------------------------------------------------------------

  private void fetch(Future<Fetched> next) {
    moveTo(Phase.STORED_FETCH);
    next.onComplete(ar -> {
      if (phase != Phase.STORED_FETCH) {
        return; // ended meanwhile; the reader cancels what it opened
      }
      if (ar.failed()) {
        release();
        ending.internalError(ar.cause(), position);
        return;
      }
      Fetched fetched = ar.result();
      if (fetched instanceof Fetched.Opened o) {
        sendStored(o);
      } else if (fetched instanceof Fetched.NoneYet) {
        subscribe();
      } else if (fetched instanceof Fetched.Gone g) {
        // Expired by retention between the index read and the open: move past it.
        position = g.number();
        fetchLater();
      } else if (fetched instanceof Fetched.Failed f) {
        release();
        ending.internalError(f.cause(), f.number());
      }
    });
  }

  /** The next stored chunk, on a later turn: a long run of fast chunks never deepens the stack. */
  private void fetchLater() {
    moveTo(Phase.STORED_FETCH);
    scheduler.runLater(() -> {
      if (phase == Phase.STORED_FETCH) {
        fetch(stored.after(position));
      }
    });
  }

  private void sendStored(Fetched.Opened o) {
    moveTo(Phase.STORED_CHUNK);
    transfer = o.transfer();
    transfer.writeTo(out, StoredChunkStreamer.Framing.GET_MEDIA).onComplete(done -> storedSent(o.number(), done));
  }

  private void storedSent(FragmentNumber number, AsyncResult<ChunkHeader> done) {
    if (phase != Phase.STORED_CHUNK) {
      return;
    }
    transfer = null;
    if (done.failed()) {
      release();
      ending.internalError(done.cause(), number);
      return;
    }
    position = number;
    if (endAfterChunk) {
      end();
    } else {
      fetchLater();
    }
  }

  // ---- live path ----------------------------------------------------------------------------

  /**
   * Subscribes from the position. A persisted stream is re-checked first: a fragment indexed after
   * the last lookup may not be in the live window (or never was: ingested on another node).
   */
  private void subscribe() {
    boolean recheck = stream.persists() && position != null;
    moveTo(recheck ? Phase.LIVE_RECHECK : Phase.LIVE_EDGE);
    timers.liveActivity();
    timers.armIdle();
    Leg leg = new Leg();
    live = leg;
    leg.subscription = feed.subscribe(position, e -> onLive(leg, e), c -> onCutOff(leg, c));
    if (!recheck || live != leg) {
      return;
    }
    leg.subscription.pause(); // events queue meanwhile
    FragmentNumber from = position;
    index.next(stream, from).onComplete(ar -> {
      if (live != leg || phase != Phase.LIVE_RECHECK) {
        return;
      }
      if (ar.succeeded() && ar.result() != null) {
        dropSubscription();
        fetch(stored.after(from));
      } else {
        moveTo(Phase.LIVE_EDGE);
        leg.subscription.resume();
      }
    });
  }

  private void onLive(Leg leg, LiveEvent event) {
    if (leg != live) {
      return; // a cancelled subscription's last events
    }
    timers.liveActivity();
    switch (phase) {
      case LIVE_EDGE -> atEdge(event);
      case LIVE_CHUNK -> inChunk(event);
      // The subscription is paused while the index is re-checked and cancelled once ended.
      default -> throw new IllegalStateException("live event " + event.getClass().getSimpleName() + " in " + phase);
    }
    if (live == leg && phase != Phase.ENDED && out.writeQueueFull()) {
      leg.subscription.pause();
      out.drainHandler(v -> {
        if (live == leg && phase != Phase.ENDED) {
          leg.subscription.resume();
        }
      });
    }
  }

  private void atEdge(LiveEvent event) {
    if (event instanceof LiveEvent.FragmentStart s) {
      if (filter.admits(s, position)) {
        moveTo(Phase.LIVE_CHUNK);
        current = s;
        out.write(LiveChunks.start(s));
      }
    } else if (event instanceof LiveEvent.FragmentEnd e) {
      FragmentNumber rewind = filter.rewindFor(e);
      if (rewind != null) {
        position = rewind;
        dropSubscription();
        subscribe();
      }
    }
    // Frames and aborts at the edge belong to fragments this reader skips.
  }

  private void inChunk(LiveEvent event) {
    if (event instanceof LiveEvent.FragmentStart s) {
      // The feed aborts an unfinished fragment before the next starts; should a start come first,
      // the open chunk is closed as aborted so the reader is never left inside it.
      closeAborted(current.number());
      if (phase == Phase.LIVE_EDGE) {
        atEdge(s);
      }
    } else if (!event.number().equals(current.number())) {
      return;
    } else if (event instanceof LiveEvent.Frame f) {
      out.write(LiveChunks.frame(f));
    } else if (event instanceof LiveEvent.FragmentEnd e) {
      long behind = clock.getAsLong() - (e.header().serverTimestampMillis() + e.header().durationMillis());
      out.write(LiveChunks.end(e, behind));
      liveChunkSent(e.number());
    } else if (event instanceof LiveEvent.FragmentAborted a) {
      closeAborted(a.number());
    }
  }

  private void closeAborted(FragmentNumber number) {
    out.write(LiveChunks.aborted(number));
    liveChunkSent(number);
  }

  private void liveChunkSent(FragmentNumber number) {
    position = number;
    current = null;
    if (endAfterChunk) {
      end();
    } else {
      moveTo(Phase.LIVE_EDGE);
    }
  }

  private void onCutOff(Leg leg, LiveFeed.CutOff cutOff) {
    if (leg != live) {
      return;
    }
    live = null; // the feed has ended it
    switch (cutOff.reason()) {
      case BEHIND_WINDOW -> behindWindow();
      case SLOW_CONSUMER -> {
        // The reader fell too far behind the producer; it resumes from its last continuation token.
        LOG.info("GetMedia reader of stream {} cut off as a slow consumer after fragment {}", stream.streamName(),
            position);
        end();
      }
      case STREAM_DELETED, SHUTDOWN -> end();
    }
  }

  /**
   * The fragment after the position has left the live window. Mid-fragment (a paused reader whose
   * events were evicted), or between fragments while the reader is not reading (its write queue
   * full), the response ends, as for a slow consumer: moved to the store, a reader that never reads
   * again would keep its stored reads open for good. Otherwise persisted streams find it in
   * the store (once per position: the index is asked again). A reader that asked for "the earliest
   * there is" (EARLIEST, or a timestamp past everything stored) starts at the next fragment
   * instead. A reader that asked for a fragment by number on a retention-0 stream has lost it
   * (docs/wire-protocol.md §2 "Zero retention"): 4000 in-stream.
   */
  private void behindWindow() {
    if (phase == Phase.LIVE_CHUNK || out.writeQueueFull()) {
      LOG.info("GetMedia reader of stream {} cut off as a slow consumer after fragment {}: it fell behind the window",
          stream.streamName(), position);
      end();
    } else if (stream.persists() && position != null && !position.equals(storeRetriedAt)) {
      storeRetriedAt = position;
      fetch(stored.after(position));
    } else if (position == null || position.equals(StartResolver.BEFORE_ALL)) {
      position = null;
      subscribe();
    } else {
      release();
      ending.error(StreamError.FRAGMENT_NOT_FOUND, position, "The requested fragment is no longer available");
    }
  }

  /**
   * The idle clock ran out: at the live edge with no fragment in progress the response ends
   * cleanly, before the listener's idle timeout would cut it mid-stream; the reader resumes with its
   * token. In a live chunk the clock starts again; on the stored path it stops until the next
   * subscription starts it.
   */
  private void idle() {
    switch (phase) {
      case LIVE_EDGE, LIVE_RECHECK -> end();
      case LIVE_CHUNK -> timers.armIdle();
      default -> { }
    }
  }

  // ---- transitions and ending ---------------------------------------------------------------

  private void moveTo(Phase next) {
    if (!phase.next().contains(next)) {
      throw new IllegalStateException("GetMedia session of stream " + stream.streamName() + ": " + phase + " → " + next);
    }
    phase = next;
  }

  private void dropSubscription() {
    if (live != null) {
      live.subscription.cancel();
      live = null;
    }
  }

  /** Moves to ENDED and releases everything; the caller then writes the ending. */
  private void release() {
    moveTo(Phase.ENDED);
    timers.cancel();
    dropSubscription();
    if (transfer != null) {
      transfer.cancel();
      transfer = null;
    }
    stored.close();
  }

  /** Ends cleanly (no-op when already ended). */
  private void end() {
    if (phase != Phase.ENDED) {
      release();
      ending.clean();
    }
  }
}
