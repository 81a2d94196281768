package io.vidlog.playback.hls;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fragments of one session in the order its media playlists list them, per track, as far as
 * this node has followed them (docs/wire-protocol.md §3.5). Each {@link #advance} takes in what is
 * new, from the time index and, for live sessions, the live tail, after the last fragment taken:
 * <ul>
 *   <li>LIVE: every fragment in ingest (server timestamp) order from the session's first; a
 *       fragment that shows up after a newer one was taken is never inserted (KVS: no back-fill).</li>
 *   <li>LIVE_REPLAY: fragments of the range by the selected timestamp, released at real pace: the
 *       first {@value #REPLAY_BURST} at once, then each when the previous one's duration has
 *       elapsed since it was released; then, at the live edge, as they arrive.</li>
 *   <li>ON_DEMAND: the first MaxMediaPlaylistFragmentResults fragments of the range.</li>
 * </ul>
 * With PRODUCER_TIMESTAMP, of fragments with the same producer start timestamp only the one with
 * the highest fragment number is taken (KVS's rule), as far as they are seen together.
 *
 * <p>Advances run one at a time (later calls wait for the one in progress); a timeline is shared by
 * the requests of its session on every event loop.
 */
final class Timeline {
  static final int REPLAY_BURST = 3;
  private static final int PAGE = 1000;
  /** At most this many fragments are taken in one advance; the next advance goes on from there. */
  private static final int MAX_PER_ADVANCE = 100_000;

  private final HlsSession session;
  private final StreamInfo stream;
  private final TimeIndex index;
  private final FragmentCatalog catalog;
  private final LiveTails.Tail tail;
  private final TimestampKind order;
  private final Map<Integer, Lane> lanes = new TreeMap<>();
  private Future<Void> busy = Future.succeededFuture();
  // the last fragment taken (its timestamp by order, and number), null before the first
  private long positionMillis;
  private FragmentNumber position;
  private long lastProducerMillis = Long.MIN_VALUE;
  private long taken;
  private long takenMillis;
  private long paceBase;
  private boolean complete;

  /**
   * @param tracks the track numbers the session plays (one lane each)
   * @param tail the stream's live tail; null for ON_DEMAND
   */
  Timeline(HlsSession session, StreamInfo stream, TimeIndex index, FragmentCatalog catalog, LiveTails.Tail tail,
      TrackSet anchor, List<Integer> tracks) {
    this.session = session;
    this.stream = stream;
    this.index = index;
    this.catalog = catalog;
    this.tail = tail;
    this.order = session.order();
    for (int t : tracks) {
      lanes.put(t, new Lane(t, session.discontinuity(), session.kind(), anchor, session.maxResults()));
    }
  }

  HlsSession session() {
    return session;
  }

  /** True when no fragment will be added any more: ON_DEMAND, and a replay of a past range that reached its end. */
  synchronized boolean complete() {
    return complete;
  }

  /** The segments to list for a track, oldest first; empty for a track the session does not play. */
  synchronized List<Lane.Entry> window(int track) {
    Lane lane = lanes.get(track);
    return lane == null ? List.of() : lane.window();
  }

  /** The newest segment of a track's playlist, or null (none yet, or a track the session does not play). */
  synchronized Lane.Entry last(int track) {
    Lane lane = lanes.get(track);
    return lane == null ? null : lane.last();
  }

  /** The entry a fragment still being produced would get in a track's playlist ({@link Lane#next}); null for no such track. */
  synchronized Lane.Entry next(int track, FragmentRecord r, TrackSet tracks) {
    Lane lane = lanes.get(track);
    if (lane == null) {
      return null;
    }
    return lane.next(r, tracks, 0);
  }

  /**
   * What {@code read} returns, with this timeline held still: no advance takes a fragment while it
   * reads (a playlist and the key it is shared by see the same segments).
   */
  synchronized <T> T still(java.util.function.Supplier<T> read) {
    return read.get();
  }

  /** The stream's live tail; null for ON_DEMAND. */
  LiveTails.Tail tail() {
    return tail;
  }

  /** Takes in the fragments that are new at {@code nowMillis}. */
  Future<Void> advance(long nowMillis) {
    return advance(nowMillis, true);
  }

  /**
   * Takes in the fragments of the live tail that are new at {@code nowMillis}, without asking the
   * index: for a timeline that has been advanced before, when the live tail is what changed (a
   * held playlist request released by a fragment's end). A fragment that only the index holds is
   * taken by the next {@link #advance}.
   */
  Future<Void> advanceFromTail(long nowMillis) {
    return advance(nowMillis, tail == null);
  }

  private Future<Void> advance(long nowMillis, boolean index) {
    Promise<Void> done = Promise.promise();
    Future<Void> previous;
    synchronized (this) {
      previous = busy;
      busy = done.future();
    }
    previous.onComplete(v -> {
      Future<Void> step;
      try {
        step = step(nowMillis, index);
      } catch (RuntimeException e) {
        step = Future.failedFuture(e); // the next advance must still run
      }
      step.onComplete(done);
    });
    return done.future();
  }

  private Future<Void> step(long nowMillis, boolean fromIndex) {
    synchronized (this) {
      if (complete) {
        return Future.succeededFuture();
      }
    }
    List<FragmentRecord> candidates = new ArrayList<>();
    return (fromIndex ? collect(candidates, null) : Future.succeededFuture(false)).compose(exhausted -> {
      if (tail != null) {
        FragmentNumber after = candidates.isEmpty() ? position : candidates.get(candidates.size() - 1).number();
        for (FragmentInfo f : tail.after(after)) {
          FragmentRecord r = f.record();
          if (isNew(r) && session.inRange(r) && (candidates.isEmpty()
              || orderMillis(r) >= orderMillis(candidates.get(candidates.size() - 1)))) {
            candidates.add(r);
          }
        }
      }
      List<FragmentRecord> deduped = dedupe(candidates);
      List<FragmentRecord> chosen = choose(deduped, nowMillis);
      // the fragment after the last one taken, for its length: the next candidate, or the one in progress
      Long after = chosen.size() < deduped.size() ? Long.valueOf(deduped.get(chosen.size()).producerTimestampMillis())
          : tail == null || chosen.isEmpty() ? null : tail.producerStartAfter(chosen.get(chosen.size() - 1).number());
      boolean ended = exhausted && chosen.size() == deduped.size() && session.endMillis() != null
          && (session.kind() == TimestampKind.SERVER || session.endMillis() < nowMillis);
      // only what can still be listed needs its tracks: the newest of this advance
      int need = Math.min(chosen.size(), session.maxResults() + 1);
      List<Future<FragmentInfo>> infos = new ArrayList<>(need);
      for (int i = chosen.size() - need; i < chosen.size(); i++) {
        infos.add(catalog.get(stream, chosen.get(i).number()));
      }
      return Future.join(infos).transform(ar -> {
        synchronized (this) {
          for (int i = 0; i < chosen.size(); i++) {
            int k = i - (chosen.size() - need);
            Future<FragmentInfo> f = k >= 0 ? infos.get(k) : null;
            Long next = i + 1 < chosen.size() ? Long.valueOf(chosen.get(i + 1).producerTimestampMillis()) : after;
            take(chosen.get(i), f != null && f.succeeded() ? f.result().tracks() : null, next);
          }
          if (session.mode() == PlaybackMode.ON_DEMAND || ended && session.mode() == PlaybackMode.LIVE_REPLAY) {
            complete = true;
          }
        }
        return Future.succeededFuture();
      });
    });
  }

  /**
   * A segment's length (EXTINF): its media span, which is the producer time to the next fragment of the
   * same producer connection (a fragment ends where the next Cluster starts); the fragment's own
   * duration (which spans all its tracks, with audio running past the video) when the next one is not
   * known or not adjacent.
   */
  static long length(FragmentRecord r, Long nextProducerMillis) {
    if (nextProducerMillis != null) {
      long span = nextProducerMillis - r.producerTimestampMillis();
      if (span > 0 && span <= r.durationMillis() + Lane.GAP_MILLIS) {
        return span;
      }
    }
    return r.durationMillis();
  }

  /**
   * Pages through the index after the position, into {@code out}; completes with true when the
   * index has nothing more in the range.
   */
  private Future<Boolean> collect(List<FragmentRecord> out, String pageToken) {
    long from;
    synchronized (this) {
      from = position == null ? session.startMillis() : positionMillis;
    }
    long to = session.endMillis() == null ? Long.MAX_VALUE : session.endMillis();
    return index.range(stream, order, from, to, PAGE, pageToken).compose(page -> {
      for (FragmentRecord r : page.records()) {
        if (isNew(r)) {
          out.add(r);
        }
      }
      boolean enough = session.mode() == PlaybackMode.ON_DEMAND ? out.size() > session.maxResults()
          : out.size() >= MAX_PER_ADVANCE;
      if (page.nextToken() == null || enough) {
        return Future.succeededFuture(page.nextToken() == null);
      }
      return collect(out, page.nextToken());
    });
  }

  private synchronized boolean isNew(FragmentRecord r) {
    if (position == null) {
      return true;
    }
    long t = orderMillis(r);
    return t > positionMillis || t == positionMillis && r.number().compareTo(position) > 0;
  }

  /** The candidates this advance takes: deduplicated, at most the playlist length for ON_DEMAND, paced for replay. */
  private synchronized List<FragmentRecord> choose(List<FragmentRecord> candidates, long nowMillis) {
    List<FragmentRecord> out = new ArrayList<>();
    long n = taken;
    long millis = takenMillis;
    long base = paceBase;
    for (FragmentRecord r : dedupe(candidates)) {
      if (session.mode() == PlaybackMode.ON_DEMAND && n >= session.maxResults()) {
        break;
      }
      if (session.mode() == PlaybackMode.LIVE_REPLAY && n >= REPLAY_BURST
          && millis - base > nowMillis - session.issuedAtMillis()) {
        break;
      }
      out.add(r);
      n++;
      millis += r.durationMillis();
      if (n == REPLAY_BURST - 1) {
        base = millis;
      }
    }
    return out;
  }

  /** PRODUCER_TIMESTAMP: of equal producer start timestamps, the highest fragment number only. */
  private List<FragmentRecord> dedupe(List<FragmentRecord> candidates) {
    if (session.kind() != TimestampKind.PRODUCER) {
      return candidates;
    }
    List<FragmentRecord> out = new ArrayList<>(candidates.size());
    long previous;
    synchronized (this) {
      previous = lastProducerMillis;
    }
    for (int i = 0; i < candidates.size(); i++) {
      FragmentRecord r = candidates.get(i);
      FragmentRecord next = i + 1 < candidates.size() ? candidates.get(i + 1) : null;
      boolean later = next != null && next.producerTimestampMillis() == r.producerTimestampMillis()
          && next.number().compareTo(r.number()) > 0;
      if (!later && r.producerTimestampMillis() != previous) {
        out.add(r);
        previous = r.producerTimestampMillis();
      }
    }
    return out;
  }

  private void take(FragmentRecord r, TrackSet tracks, Long nextProducerMillis) {
    position = r.number();
    positionMillis = orderMillis(r);
    lastProducerMillis = r.producerTimestampMillis();
    taken++;
    takenMillis += r.durationMillis();
    if (taken == REPLAY_BURST - 1) {
      paceBase = takenMillis;
    }
    for (Lane lane : lanes.values()) {
      int t = lane.track();
      if (t >= 1 && t <= 32 && (r.trackMask() & (1 << (t - 1))) != 0) {
        lane.append(r, tracks, length(r, nextProducerMillis, t));
      }
    }
  }

  /**
   * The longest hole a NEVER-discontinuity segment's length covers: a producer that drops frames (a
   * camera that cannot keep up) leaves holes of a few frames between fragments; a longer pause is
   * left out of the timeline as before.
   */
  static final long MAX_HOLE_MILLIS = 10_000;

  /**
   * A segment's length on a track's lane. Without discontinuity tags (NEVER) a player has one
   * timeline, its PROGRAM-DATE-TIMEs and its media's decode times (the producer timestamps) must
   * agree: the segment lasts until the next fragment starts, a hole the producer left included (a
   * player's gap handling skips it), else the timeline drifts from the media and the clock by each
   * hole (hls.js then misplaces the live edge and its playingDate jumps). Otherwise as
   * {@link #length(FragmentRecord, Long)}; but when the next fragment has not started yet (a fragment
   * is taken between the live feed's end of it and the start of the next, as a blocking playlist
   * request released by that end is), its media's length as the live parts cut it: the fragment's
   * own duration spans its frames' start times only, one frame shorter than its media.
   */
  private long length(FragmentRecord r, Long nextProducerMillis, int track) {
    long media = tail == null ? -1 : tail.parts().mediaEndMillis(r.number(), track);
    if (nextProducerMillis == null) {
      return media > 0 ? media : length(r, null);
    }
    long span = nextProducerMillis - r.producerTimestampMillis();
    if (session.discontinuity() == DiscontinuityMode.NEVER && span > 0
        && span <= Math.max(r.durationMillis(), media) + MAX_HOLE_MILLIS) {
      return span;
    }
    return length(r, nextProducerMillis);
  }

  private long orderMillis(FragmentRecord r) {
    return session.orderMillis(r);
  }
}
