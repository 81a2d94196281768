package io.vidlog.fragmentstore.live;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vidlog.fragmentstore.FragmentNumber;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's {@link LiveFeed}, in the manner of MediaMTX's {@code internal/stream}: every event
 * is logged once in a window ({@link EventLog}) and each subscriber reads it through its own cursor
 * on its own Vert.x context. A subscriber's queue is the span between its cursor and the head, so
 * fan-out costs no copy per reader; its bound is checked on every publish and a reader past it is
 * cut off (SLOW_CONSUMER). The publisher only appends under a short lock and posts a wake-up to each
 * reader's context: it never waits for a reader.
 *
 * <p>The window holds the open fragment and closed ones up to {@link LiveFeedConfig#windowMillis()}
 * old (server timestamp against the clock) and {@link LiveFeedConfig#windowBytes()} in total, oldest
 * evicted first; a reader whose cursor is evicted is cut off (BEHIND_WINDOW). On top of that the
 * feeds' shared {@link LiveBudget} may evict this window's oldest closed fragments when all windows
 * together exceed {@link LiveFeedConfig#totalBytes()} ({@link #evictThrough}); readers see the same
 * BEHIND_WINDOW cut-off. The budget is enforced at fragment boundaries, after this feed's lock is
 * released, so a publisher never holds two feed locks and the per-frame path only adds to a counter.
 */
final class WindowedLiveFeed implements LiveFeed {
  private static final Logger LOG = LoggerFactory.getLogger(WindowedLiveFeed.class);
  static final int READ_BATCH = 64;

  /** A fragment's span in the log; queued in the {@link LiveBudget} once closed. */
  static final class Slot {
    final WindowedLiveFeed feed;
    final FragmentNumber number;
    final long serverTimestampMillis;
    final long startSeq;
    long endSeq = -1; // inclusive, -1 while open
    long bytes;
    boolean aborted;
    // Written under the feed's lock, read by the budget's sweep without it.
    private volatile boolean evicted;

    Slot(WindowedLiveFeed feed, FragmentNumber number, long serverTimestampMillis, long startSeq) {
      this.feed = feed;
      this.number = number;
      this.serverTimestampMillis = serverTimestampMillis;
      this.startSeq = startSeq;
    }

    boolean evicted() {
      return evicted;
    }
  }

  private final String streamId;
  private final LiveFeedConfig config;
  private final LongSupplier clock;
  private final FeedMetrics metrics;
  private final LiveBudget budget;
  private final Context fallbackContext;

  // Guarded by this.
  private final EventLog log = new EventLog();
  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private final List<Subscriber> subscribers = new ArrayList<>();
  private long windowBytes;
  private FragmentNumber newestEvicted;
  private volatile FragmentNumber lastEnded;
  private boolean closed;

  WindowedLiveFeed(String streamId, LiveFeedConfig config, LongSupplier clock, FeedMetrics metrics,
      LiveBudget budget, Context fallbackContext) {
    this.streamId = streamId;
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    this.budget = budget;
    this.fallbackContext = fallbackContext;
  }

  @Override
  public void publish(LiveEvent.FragmentStart start) {
    LiveEvent.FragmentStart copy = new LiveEvent.FragmentStart(start.number(), start.serverTimestampMillis(),
        start.producerTimestampMillis(), start.clusterTimecode(), copyOf(start.mkvHeader()));
    synchronized (this) {
      if (closed) {
        return;
      }
      Slot open = slots.peekLast();
      if (open != null && open.endSeq < 0) {
        // A start without an end: the previous fragment will never complete.
        appendLocked(open, new LiveEvent.FragmentAborted(open.number, "superseded by fragment " + start.number()), 32);
        open.aborted = true;
        closeSlotLocked(open);
      }
      Slot slot = new Slot(this, copy.number(), copy.serverTimestampMillis(), log.nextSeq());
      slots.addLast(slot);
      appendLocked(slot, copy, copy.mkvHeader().length() + 64);
      evictLocked();
      fanOutLocked();
    }
    budget.enforce();
  }

  @Override
  public void publish(LiveEvent.Frame frame) {
    // The one copy of the payload: the publisher reuses its buffer after this call.
    publishImmutable(new LiveEvent.Frame(frame.number(), frame.trackNumber(), frame.relativeTimecode(),
        frame.flags(), frame.payload().copy()));
  }

  @Override
  public void publishImmutable(LiveEvent.Frame frame) {
    synchronized (this) {
      Slot open = openSlot(frame.number());
      if (open == null) {
        return;
      }
      appendLocked(open, frame, frame.payload().length() + 24);
      fanOutLocked();
    }
  }

  @Override
  public void publish(LiveEvent.FragmentEnd end) {
    LiveEvent.FragmentEnd copy = new LiveEvent.FragmentEnd(end.number(), end.header(),
        copyOf(end.mkvTrailer()), end.persisted());
    synchronized (this) {
      Slot open = openSlot(end.number());
      if (open == null) {
        return;
      }
      appendLocked(open, copy, copy.mkvTrailer().length() + 256);
      closeSlotLocked(open);
      lastEnded = end.number();
      evictLocked();
      fanOutLocked();
    }
    budget.enforce();
  }

  @Override
  public void publish(LiveEvent.FragmentAborted aborted) {
    synchronized (this) {
      Slot open = openSlot(aborted.number());
      if (open == null) {
        return;
      }
      appendLocked(open, aborted, 32);
      open.aborted = true;
      closeSlotLocked(open);
      evictLocked();
      fanOutLocked();
    }
    budget.enforce();
  }

  @Override
  public LiveSubscription subscribe(FragmentNumber from, Handler<LiveEvent> events, Handler<CutOff> cutOff) {
    Context ctx = io.vertx.core.Vertx.currentContext();
    Subscriber s = new Subscriber(this, ctx != null ? ctx : fallbackContext, from, events, cutOff, metrics);
    synchronized (this) {
      if (closed) {
        s.cutOff(CutOff.Reason.STREAM_DELETED, "the stream's live feed is closed");
        return s;
      }
      long start = log.nextSeq();
      boolean synced = false;
      if (from != null) {
        Slot first = null;
        for (Slot slot : slots) {
          if (!slot.aborted && slot.number.compareTo(from) > 0) {
            first = slot;
            break;
          }
        }
        if (first != null && (newestEvicted == null || newestEvicted.compareTo(from) <= 0)) {
          start = first.startSeq;
          synced = true;
        } else if (newestEvicted != null && newestEvicted.compareTo(from) > 0) {
          s.cutOff(CutOff.Reason.BEHIND_WINDOW, "fragments after " + from + " are no longer in the live window");
          return s;
        }
      }
      s.position(start, log.nextSeq(), synced);
      subscribers.add(s);
      metrics.subscribed();
    }
    s.signal();
    return s;
  }

  @Override
  public FragmentNumber lastEnded() {
    return lastEnded;
  }

  /** Reads up to {@code max} events from the subscriber's cursor (an empty list when it is caught up). */
  synchronized List<EventLog.Entry> read(long cursor, int max) {
    if (cursor < log.firstSeq()) {
      return List.of();
    }
    long end = Math.min(log.nextSeq(), cursor + max);
    List<EventLog.Entry> out = new ArrayList<>((int) (end - cursor));
    for (long seq = cursor; seq < end; seq++) {
      out.add(log.get(seq));
    }
    return out;
  }

  synchronized void remove(Subscriber s) {
    if (subscribers.remove(s)) {
      metrics.unsubscribed();
    }
  }

  /** Evicts by age when the stream has gone quiet (called by the feeds' timer). */
  synchronized void evictIdle() {
    evictLocked();
  }

  /**
   * For the global budget: evicts this window's closed fragments from the oldest up to and including
   * {@code victim}, with the same reader cut-offs as a per-stream eviction. Called by the budget,
   * which holds no feed's lock, so lock order never matters. Returns how many fragments left the
   * window (0 when {@code victim} already had: aged out, per-stream bytes, or the feed was dropped).
   */
  int evictThrough(Slot victim) {
    synchronized (this) {
      if (victim.evicted) {
        return 0;
      }
      int n = 0;
      while (!slots.isEmpty()) {
        Slot oldest = slots.peekFirst();
        if (oldest.endSeq < 0) {
          break; // never the open fragment (a victim is closed, so this is not reached before it)
        }
        removeOldestLocked();
        n++;
        if (oldest == victim) {
          break;
        }
      }
      if (n > 0) {
        afterEvictionLocked();
      }
      return n;
    }
  }

  /** Cuts off every subscriber and forgets the window. */
  void close(CutOff.Reason reason, String message) {
    List<Subscriber> cut;
    synchronized (this) {
      closed = true;
      cut = new ArrayList<>(subscribers);
      subscribers.clear();
      for (Slot slot : slots) {
        slot.evicted = true;
      }
      slots.clear();
      log.trimBefore(log.nextSeq());
      budget.add(-windowBytes);
      windowBytes = 0;
    }
    for (Subscriber s : cut) {
      metrics.unsubscribed();
      s.cutOff(reason, message);
    }
  }

  /** Bytes held in the window (metrics). */
  synchronized long windowBytes() {
    return windowBytes;
  }

  /** Fragments held in the window, the open one included (metrics, tests). */
  synchronized int windowFragments() {
    return slots.size();
  }

  synchronized int subscriberCount() {
    return subscribers.size();
  }

  String streamId() {
    return streamId;
  }

  // ---------------------------------------------------------------------------------------------

  private static io.vertx.core.buffer.Buffer copyOf(io.vertx.core.buffer.Buffer b) {
    return b == null ? io.vertx.core.buffer.Buffer.buffer() : b.copy();
  }

  private Slot openSlot(FragmentNumber number) {
    if (closed) {
      return null;
    }
    Slot open = slots.peekLast();
    if (open == null || open.endSeq >= 0 || !open.number.equals(number)) {
      LOG.debug("stream {}: event for fragment {} without an open fragment, dropped", streamId, number);
      return null;
    }
    return open;
  }

  private void appendLocked(Slot slot, LiveEvent event, int bytes) {
    log.append(event, bytes);
    slot.bytes += bytes;
    windowBytes += bytes;
    budget.add(bytes);
  }

  /** The open fragment ended or was aborted: it may now be evicted, by this window or the budget. */
  private void closeSlotLocked(Slot slot) {
    slot.endSeq = log.nextSeq() - 1;
    budget.closed(slot);
  }

  private void evictLocked() {
    long now = clock.getAsLong();
    boolean evicted = false;
    while (!slots.isEmpty()) {
      Slot oldest = slots.peekFirst();
      if (oldest.endSeq < 0) {
        break; // never the open fragment
      }
      boolean tooOld = now - oldest.serverTimestampMillis > config.windowMillis();
      boolean tooBig = windowBytes > config.windowBytes();
      if (!tooOld && !tooBig) {
        break;
      }
      removeOldestLocked();
      metrics.evicted(tooOld ? EvictionReason.AGE : EvictionReason.WINDOW_BYTES);
      evicted = true;
    }
    if (evicted) {
      afterEvictionLocked();
    }
  }

  private void removeOldestLocked() {
    Slot oldest = slots.removeFirst();
    oldest.evicted = true;
    windowBytes -= oldest.bytes;
    budget.add(-oldest.bytes);
    if (!oldest.aborted) {
      newestEvicted = oldest.number;
    }
  }

  /** Trims the log to the window and cuts off the readers whose cursor fell out of it (BEHIND_WINDOW). */
  private void afterEvictionLocked() {
    long keepFrom = slots.isEmpty() ? log.nextSeq() : slots.peekFirst().startSeq;
    log.trimBefore(keepFrom);
    for (Iterator<Subscriber> it = subscribers.iterator(); it.hasNext(); ) {
      Subscriber s = it.next();
      if (s.cursor() < keepFrom) {
        it.remove();
        metrics.unsubscribed();
        s.cutOff(CutOff.Reason.BEHIND_WINDOW, "the subscriber fell behind the live window");
      }
    }
  }

  private void fanOutLocked() {
    long head = log.nextSeq();
    for (Iterator<Subscriber> it = subscribers.iterator(); it.hasNext(); ) {
      Subscriber s = it.next();
      long base = Math.max(s.cursor(), s.subscribedAt());
      long lagEvents = head - base;
      long lagBytes = log.cumBytes() - log.cumBytesAt(Math.max(base, log.firstSeq()));
      if (lagEvents > config.subscriberQueueEvents() || lagBytes > config.subscriberQueueBytes()) {
        it.remove();
        metrics.unsubscribed();
        s.cutOff(CutOff.Reason.SLOW_CONSUMER, "the subscriber's queue overflowed (" + lagEvents + " events, "
            + lagBytes + " bytes behind)");
      } else {
        s.signal();
      }
    }
  }
}
