package io.vidlog.playback.hls;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.fmp4.Fmp4Track;
import io.vidlog.media.fmp4.LiveChunks;
import io.vidlog.media.fmp4.MediaSegment;
import io.vidlog.media.mkv.TrackEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The LL-HLS partial segments of one stream's newest fragments (docs/wire-protocol.md §3.5,
 * "Low-Latency HLS"), cut from the live feed frame by frame, not from the store. Each track of the
 * open fragment is cut into parts of at most {@code targetMillis}: a part ends before the frame that,
 * lasting as long as the frame before it, would take the part past the target (draft-pantos-hls-rfc8216bis
 * §4.4.4.9: a part lasts at most PART-TARGET). Each frame becomes one {@code moof} + {@code mdat}
 * chunk ({@link LiveChunks}) when the next one arrives, once per timestamp kind a session may show;
 * a part is those chunks, so a player that takes some of a fragment as parts and the rest as its
 * whole segment sees the same timeline.
 *
 * <p>Events arrive from the stream's live tail, on one thread; readers (playlists, part requests)
 * and held playlist requests run on any thread: every method is synchronized on this object.
 * Part readers are called under that lock and must only hand work to their own context. The frames are the live feed's own immutable
 * buffers, kept for the newest {@value #KEEP} fragments.
 */
final class LiveParts {
  /** Fragments whose parts are kept: the open one and the ones before it that playlists still list parts of. */
  static final int KEEP = 3;

  /** What a part request streams to: chunks of one part, then its end, or its loss. */
  interface PartReader {
    void chunk(MediaSegment chunk);

    /** The part is complete (after its last chunk). */
    void complete();

    /** The part will never exist (its fragment ended first, or was refused). */
    void gone();
  }

  /** One part of one track. */
  static final class Part {
    final int index;
    /** Milliseconds from the fragment's start (its Cluster timecode). */
    final long startMillis;
    final boolean independent;
    /** Where it ends, from the fragment's start; -1 while open, and for a fragment's last part (the segment's end). */
    long endMillis = -1;
    boolean complete;
    final EnumMap<TimestampKind, List<MediaSegment>> chunks = new EnumMap<>(TimestampKind.class);
    final Map<PartReader, TimestampKind> readers = new LinkedHashMap<>();

    Part(int index, long startMillis, boolean independent) {
      this.index = index;
      this.startMillis = startMillis;
      this.independent = independent;
      for (TimestampKind k : TimestampKind.values()) {
        chunks.put(k, new ArrayList<>());
      }
    }
  }

  /** One track of one fragment: its chunkers and parts. */
  static final class TrackParts {
    final EnumMap<TimestampKind, LiveChunks> chunkers = new EnumMap<>(TimestampKind.class);
    final List<Part> parts = new ArrayList<>();
    /** Readers waiting for a part that has not started, by index. */
    final Map<Integer, Map<PartReader, TimestampKind>> early = new TreeMap<>();
    long lastFrameMillis = Long.MIN_VALUE;
    long lastIntervalMillis;
    /**
     * Where the track's media ends once its fragment has ended, from the fragment's start: its last
     * frame plus that frame's duration, as its chunks (and the stored segment) have it; -1 before.
     */
    long endMillis = -1;
    /** The track's frames are not in presentation order (B-frames): no parts. */
    boolean stopped;

    /** Parts that are complete. */
    int completeParts() {
      int n = parts.size();
      return n > 0 && !parts.get(n - 1).complete ? n - 1 : n;
    }
  }

  /** One fragment's parts. */
  static final class Fragment {
    final FragmentNumber number;
    /** The fragment that ended before this one started (null: none seen). */
    final FragmentNumber previous;
    final long serverMillis;
    final long producerMillis;
    final TrackSet tracks;
    final long clusterTimecode;
    final Map<Integer, TrackParts> byTrack = new TreeMap<>();
    boolean open = true;
    /** When it ended here (the clock's milliseconds); -1 while open. */
    long endedAtMillis = -1;

    Fragment(FragmentNumber number, FragmentNumber previous, long serverMillis, long producerMillis, TrackSet tracks,
        long clusterTimecode) {
      this.number = number;
      this.previous = previous;
      this.serverMillis = serverMillis;
      this.producerMillis = producerMillis;
      this.tracks = tracks;
      this.clusterTimecode = clusterTimecode;
    }

    long kindMillis(TimestampKind kind) {
      return kind == TimestampKind.PRODUCER ? producerMillis : serverMillis;
    }

    /** The parts of a track, or null when the fragment has none (no such track, or frames out of order). */
    TrackParts track(int track) {
      TrackParts t = byTrack.get(track);
      return t == null || t.stopped ? null : t;
    }
  }

  /** How often held playlist requests are checked for their deadline (one timer per stream, while any are held). */
  static final long SWEEP_MILLIS = 100;

  /** A held playlist request: released when {@code reached}, or at its deadline. */
  private record Held(BooleanSupplier reached, Promise<Boolean> released, long deadlineMillis, Context context) {}

  private final Vertx vertx;
  private final LongSupplier clock;
  private final long targetMillis;
  private final ArrayDeque<Fragment> fragments = new ArrayDeque<>();
  private final List<Held> held = new ArrayList<>();
  /**
   * The playlists rendered since the parts last changed, by what each depends on besides the
   * session token: the sessions held on one part are answered from one rendering per variant.
   */
  private final Map<Object, SharedPlaylist> renderings = new HashMap<>();
  private long sweeper = -1;
  /** Tasks handed to contexts to answer held requests ({@link #answer}). */
  private long dispatches;
  private FragmentNumber lastEnded;
  /** Live events taken in (tests wait on it). */
  private long events;
  /**
   * Tracks seen with frames out of presentation order (B-frames): no parts for them on this stream
   * any more, so their playlists stay plain HLS instead of listing a part now and then.
   */
  private final java.util.Set<Integer> reordered = new java.util.HashSet<>();

  /** @param targetMillis the part target duration */
  LiveParts(Vertx vertx, LongSupplier clock, long targetMillis) {
    if (targetMillis < 1) {
      throw new IllegalArgumentException("part target must be at least 1 ms, got " + targetMillis);
    }
    this.vertx = vertx;
    this.clock = clock;
    this.targetMillis = targetMillis;
  }

  /**
   * Holds a playlist request until {@code reached} (checked now, whenever a part completes or a
   * fragment ends, and at each sweep) or its deadline: true when reached, false at the deadline.
   * The answer comes on the caller's context. A held request costs an entry in a list: no thread,
   * no timer of its own (draft-pantos-hls-rfc8216bis §6.2.5.2, Blocking Playlist Reload).
   */
  synchronized Future<Boolean> hold(BooleanSupplier reached, long deadlineMillis) {
    if (reached.getAsBoolean()) {
      return Future.succeededFuture(true);
    }
    Promise<Boolean> p = Promise.promise();
    held.add(new Held(reached, p, deadlineMillis, vertx.getOrCreateContext()));
    if (sweeper < 0) {
      sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    }
    return p.future();
  }

  /** Live events taken in so far (tests). */
  synchronized long events() {
    return events;
  }

  /** Held playlist requests (tests, metrics). */
  synchronized int held() {
    return held.size();
  }

  /** Releases, together, every held request whose condition is now met. */
  private void release() {
    if (held.isEmpty()) {
      return;
    }
    Map<Context, List<Promise<Boolean>>> released = new LinkedHashMap<>();
    for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
      Held h = it.next();
      boolean reached;
      try {
        reached = h.reached().getAsBoolean();
      } catch (RuntimeException e) {
        reached = true; // the request renders what there is and reports its own failure
      }
      if (reached) {
        it.remove();
        released.computeIfAbsent(h.context(), c -> new ArrayList<>()).add(h.released());
      }
    }
    answer(released, true);
  }

  /**
   * Answers the requests of one pass: one task per context, which answers all of them in the order
   * they were held. One task, not one per request: the pass runs under this object's lock on the
   * live tail's thread, and hands each event loop one entry in its queue (and at most one wake-up)
   * however many of its players wait for the part.
   */
  private void answer(Map<Context, List<Promise<Boolean>>> released, boolean reached) {
    for (Map.Entry<Context, List<Promise<Boolean>>> e : released.entrySet()) {
      List<Promise<Boolean>> promises = e.getValue();
      dispatches++;
      e.getKey().runOnContext(v -> {
        for (Promise<Boolean> p : promises) {
          p.complete(reached);
        }
      });
    }
  }

  private synchronized void sweep() {
    release();
    long now = clock.getAsLong();
    Map<Context, List<Promise<Boolean>>> expired = new LinkedHashMap<>();
    for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
      Held h = it.next();
      if (now >= h.deadlineMillis()) {
        it.remove();
        expired.computeIfAbsent(h.context(), c -> new ArrayList<>()).add(h.released());
      }
    }
    answer(expired, false);
    if (held.isEmpty() && sweeper >= 0) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }

  /** Tasks handed to contexts to answer held requests so far (tests: one per context per pass). */
  synchronized long dispatches() {
    return dispatches;
  }

  long targetMillis() {
    return targetMillis;
  }

  /** Distinct playlists kept until the parts next change; more are rendered but not kept. */
  static final int RENDERINGS = 256;

  /**
   * The playlist rendered for {@code key} since the parts last changed, else {@code render}'s,
   * kept for the next session with the same key. {@code key} must name everything the rendering
   * reads besides the session token and these parts; the caller holds this object's lock while it
   * reads them, so the rendering and its key see the same state.
   */
  synchronized SharedPlaylist rendering(Object key, java.util.function.Supplier<SharedPlaylist> render) {
    SharedPlaylist r = renderings.get(key);
    if (r == null) {
      r = render.get();
      if (renderings.size() < RENDERINGS) {
        renderings.put(key, r);
      }
    }
    return r;
  }

  /** What playlists list has changed: a part completed, a fragment started, ended or was dropped. */
  private void changed() {
    renderings.clear();
  }

  /** The subscription starts after fragment {@code ended} (null: none): the predecessor of the next one. */
  synchronized void subscribedAfter(FragmentNumber ended) {
    changed();
    lastEnded = ended;
  }

  synchronized void start(LiveEvent.FragmentStart s, TrackSet tracks) {
    events++;
    changed();
    if (tracks == null) {
      return;
    }
    closeOpen();
    Fragment f = new Fragment(s.number(), lastEnded, s.serverTimestampMillis(), s.producerTimestampMillis(), tracks,
        s.clusterTimecode());
    long sequence = (s.serverTimestampMillis() & 0xFFFFFFFFL) * 1000; // increases from fragment to fragment
    for (TrackEntry e : tracks.entries()) {
      if (reordered.contains(e.trackNumber())) {
        continue;
      }
      Fmp4Track track;
      try {
        track = Fmp4Track.of(e);
      } catch (MediaFormatException | IllegalArgumentException ex) {
        continue; // not playable: the session refuses it, or plays the stored segment's error
      }
      TrackParts t = new TrackParts();
      for (TimestampKind k : TimestampKind.values()) {
        long offsetNs = Math.subtractExact(Math.multiplyExact(f.kindMillis(k), 1_000_000L),
            Math.multiplyExact(s.clusterTimecode(), tracks.timecodeScaleNs()));
        t.chunkers.put(k, new LiveChunks(track, offsetNs, sequence));
      }
      f.byTrack.put(e.trackNumber(), t);
    }
    fragments.addLast(f);
    while (fragments.size() > KEEP) {
      fragments.removeFirst();
    }
    release(); // a request for the previous fragment's last part waits for this start (awaitingNext)
  }

  /**
   * Whether {@code f} ended less than a part target ago and no fragment has started since: its last
   * part is complete, but a playlist would end with it, without the next segment and its preload
   * hint, for the moment until the next fragment starts (a producer sends the next key frame one
   * frame interval after the last frame). hls.js misplaces its timeline on such a playlist (parts it
   * loads next land seconds away from their media), so a blocking request for that last part is held
   * until the next fragment starts, or the part target has passed (the producer stopped).
   */
  synchronized boolean awaitingNext(Fragment f) {
    return !f.open && fragments.peekLast() == f && clock.getAsLong() - f.endedAtMillis < targetMillis;
  }

  synchronized void frame(LiveEvent.Frame e) {
    events++;
    Fragment f = fragments.peekLast();
    if (f == null || !f.open || !f.number.equals(e.number())) {
      return;
    }
    TrackParts t = f.track(e.trackNumber());
    if (t == null) {
      return;
    }
    long scale = f.tracks.timecodeScaleNs();
    long timestampNs = Math.multiplyExact(f.clusterTimecode + e.relativeTimecode(), scale);
    long atMillis = Math.floorDiv(Math.multiplyExact((long) e.relativeTimecode(), scale), 1_000_000L);
    boolean key = (e.flags() & 0x80) != 0;
    Part current = t.parts.isEmpty() ? null : t.parts.get(t.parts.size() - 1);
    Buffer payload = e.payload();
    for (Map.Entry<TimestampKind, LiveChunks> c : t.chunkers.entrySet()) {
      LiveChunks.Chunk chunk = c.getValue().add(timestampNs, key, ((BufferInternal) payload).getByteBuf().nioBuffer());
      if (chunk == LiveChunks.REORDERED) {
        reordered.add(e.trackNumber());
        stop(t);
        return;
      }
      if (chunk != null && current != null) {
        appendChunk(current, c.getKey(), chunk.segment());
      }
    }
    long interval = t.lastFrameMillis == Long.MIN_VALUE ? 0 : atMillis - t.lastFrameMillis;
    if (current == null) {
      open(t, new Part(0, 0, key));
    } else if (atMillis + Math.max(interval, 0) - current.startMillis > targetMillis && atMillis > current.startMillis) {
      current.endMillis = atMillis;
      completePart(current);
      open(t, new Part(current.index + 1, atMillis, key));
    }
    t.lastIntervalMillis = interval;
    t.lastFrameMillis = atMillis;
  }

  synchronized void end(FragmentNumber number) {
    events++;
    changed();
    Fragment f = fragments.peekLast();
    if (f != null && f.open && f.number.equals(number)) {
      close(f);
    }
    lastEnded = number;
    release();
  }

  synchronized void abort(FragmentNumber number) {
    events++;
    changed();
    Fragment f = fragments.peekLast();
    if (f != null && f.open && f.number.equals(number)) {
      fragments.removeLast();
      for (TrackParts t : f.byTrack.values()) {
        stop(t);
      }
    }
  }

  /** A start without an end before it: the fragment in progress will never end (its producer went away). */
  private void closeOpen() {
    Fragment f = fragments.peekLast();
    if (f != null && f.open) {
      fragments.removeLast();
      for (TrackParts t : f.byTrack.values()) {
        stop(t);
      }
    }
  }

  private void close(Fragment f) {
    f.open = false;
    f.endedAtMillis = clock.getAsLong();
    for (TrackParts t : f.byTrack.values()) {
      if (t.stopped || t.parts.isEmpty()) {
        goneEarly(t);
        continue;
      }
      Part current = t.parts.get(t.parts.size() - 1);
      for (Map.Entry<TimestampKind, LiveChunks> c : t.chunkers.entrySet()) {
        LiveChunks.Chunk chunk = c.getValue().finish();
        if (chunk != null) {
          appendChunk(current, c.getKey(), chunk.segment());
          t.endMillis = t.lastFrameMillis + chunk.durationTicks() * 1000 / c.getValue().track().timescale();
        }
      }
      completePart(current);
      goneEarly(t);
    }
  }

  private void open(TrackParts t, Part p) {
    t.parts.add(p);
    Map<PartReader, TimestampKind> waiting = t.early.remove(p.index);
    if (waiting != null) {
      p.readers.putAll(waiting);
    }
  }

  private static void appendChunk(Part p, TimestampKind kind, MediaSegment chunk) {
    p.chunks.get(kind).add(chunk);
    for (Map.Entry<PartReader, TimestampKind> r : p.readers.entrySet()) {
      if (r.getValue() == kind) {
        r.getKey().chunk(chunk);
      }
    }
  }

  private void completePart(Part p) {
    p.complete = true;
    changed();
    for (PartReader r : p.readers.keySet()) {
      r.complete();
    }
    p.readers.clear();
    release();
  }

  private void stop(TrackParts t) {
    t.stopped = true;
    changed();
    for (Part p : t.parts) {
      for (PartReader r : p.readers.keySet()) {
        r.gone();
      }
      p.readers.clear();
    }
    goneEarly(t);
  }

  private static void goneEarly(TrackParts t) {
    for (Map<PartReader, TimestampKind> waiting : t.early.values()) {
      for (PartReader r : waiting.keySet()) {
        r.gone();
      }
    }
    t.early.clear();
  }

  /**
   * Whether the newest kept fragment that declares {@code track} has parts of it (false when none
   * declares it, or its frames are out of presentation order).
   */
  synchronized boolean cuts(int track) {
    for (var it = fragments.descendingIterator(); it.hasNext(); ) {
      Fragment f = it.next();
      if (f.tracks.entry(track) != null) {
        return f.track(track) != null;
      }
    }
    return false;
  }

  /**
   * Where {@code track} of fragment {@code number} ends, in milliseconds from the fragment's start
   * ({@link TrackParts#endMillis}), or would end if no frame followed those taken in (the fragment
   * is still open here); -1 when not known here (not kept, no parts).
   */
  synchronized long mediaEndMillis(FragmentNumber number, int track) {
    Fragment f = fragment(number);
    TrackParts t = f == null ? null : f.track(track);
    if (t == null || t.parts.isEmpty() || !f.open) {
      return t == null || t.parts.isEmpty() ? -1 : t.endMillis;
    }
    // open here, but its end may already be known to the caller (the live tail records a fragment's
    // end just before handing it here): where it ends if no frame follows
    LiveChunks c = t.chunkers.values().iterator().next();
    long ticks = c.pendingDurationTicks();
    return ticks < 0 ? -1 : t.lastFrameMillis + ticks * 1000 / c.track().timescale();
  }

  /** The kept fragment numbered {@code number}, or null. */
  synchronized Fragment fragment(FragmentNumber number) {
    for (Fragment f : fragments) {
      if (f.number.equals(number)) {
        return f;
      }
    }
    return null;
  }

  /**
   * The fragments that started after fragment {@code after}, oldest first (the last may be open); null
   * when that is not known here (the fragment is older than those kept).
   */
  synchronized List<Fragment> after(FragmentNumber after) {
    List<Fragment> out = new ArrayList<>();
    boolean found = false;
    for (Fragment f : fragments) {
      if (found) {
        out.add(f);
      } else if (f.number.equals(after)) {
        found = true;
      } else if (after.equals(f.previous) || f.previous == null && f.number.compareTo(after) > 0) {
        // null: the first fragment since the feed began here, after every fragment the index holds
        found = true;
        out.add(f);
      }
    }
    return found ? out : null;
  }

  /** What a part request gets: the whole part when complete, else a registration for its chunks. */
  enum Answer { COMPLETE, STREAMING, NOT_FOUND }

  /**
   * Hands part {@code index} of a track of fragment {@code number} to {@code reader}: at once when
   * complete (chunks, then complete), else its chunks so far and each next one as it is made. A part
   * that has not started is waited for while its fragment is open and it is the next one (the part a
   * playlist's EXT-X-PRELOAD-HINT names).
   */
  synchronized Answer read(FragmentNumber number, int track, int index, TimestampKind kind, PartReader reader) {
    Fragment f = fragment(number);
    TrackParts t = f == null ? null : f.track(track);
    if (t == null || index < 0) {
      return Answer.NOT_FOUND;
    }
    if (index < t.parts.size()) {
      Part p = t.parts.get(index);
      for (MediaSegment c : p.chunks.get(kind)) {
        reader.chunk(c);
      }
      if (p.complete) {
        reader.complete();
        return Answer.COMPLETE;
      }
      p.readers.put(reader, kind);
      return Answer.STREAMING;
    }
    if (f.open && index == t.parts.size()) {
      t.early.computeIfAbsent(index, i -> new LinkedHashMap<>()).put(reader, kind);
      return Answer.STREAMING;
    }
    return Answer.NOT_FOUND;
  }

  /** Stops handing chunks to a reader (its client went away). */
  synchronized void forget(FragmentNumber number, int track, int index, PartReader reader) {
    Fragment f = fragment(number);
    TrackParts t = f == null ? null : f.byTrack.get(track);
    if (t == null) {
      return;
    }
    if (index >= 0 && index < t.parts.size()) {
      t.parts.get(index).readers.remove(reader);
    }
    Map<PartReader, TimestampKind> waiting = t.early.get(index);
    if (waiting != null) {
      waiting.remove(reader);
    }
  }
}
