package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.StreamState.Snapshot;
import io.vidlog.fragmentstore.index.TimeIndex.Page;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The {@link TimeIndex} queries over a stream's {@link Snapshot}: the sealed segments, of which the
 * resident summary says which could hold an answer (they are then loaded through the cache), and
 * the tail in memory. Each answer equals what one {@link StreamIndex} holding every entry gives.
 *
 * <p>Lookups by number find their segment by binary search on the segments' last numbers. Lookups
 * by time visit the segments whose sketch overlaps the time asked for, nearest first, and stop as
 * soon as no segment left can change the answer, so a query loads the segments that hold its
 * answer and rarely more. Producer timestamps need not follow numbers (docs/architecture.md
 * §Storage, "Time index"), so by producer time that is a merge over segments; by server time,
 * which grows with numbers, the candidate segments are consecutive.
 */
final class IndexQueries {
  /** Loads segment {@code i} of a snapshot (from the cache, else the store). */
  interface Loader {
    Future<StreamIndex> load(Snapshot snapshot, int i);
  }

  /** Order of a range query's answer: (timestamp, number). */
  private static final class Key {
    static long ts(FragmentRecord r, TimestampKind kind) {
      return kind == TimestampKind.SERVER ? r.serverTimestampMillis() : r.producerTimestampMillis();
    }

    static Comparator<FragmentRecord> order(TimestampKind kind) {
      return (a, b) -> {
        int c = Long.compare(ts(a, kind), ts(b, kind));
        return c != 0 ? c : NumberKey.of(a.number()).compareTo(NumberKey.of(b.number()));
      };
    }

    /** Whether every entry of segment {@code i} from {@code lowest} on sorts after {@code r}. */
    static boolean segmentAfter(FragmentRecord r, TimestampKind kind, long lowest, SegmentList s, int i) {
      long t = ts(r, kind);
      return lowest > t || (lowest == t && s.first(i).compareTo(NumberKey.of(r.number())) > 0);
    }
  }

  private final Loader loader;

  IndexQueries(Loader loader) {
    this.loader = loader;
  }

  // ------------------------------------------------------------------------------ by number

  Future<FragmentRecord> get(Snapshot s, FragmentNumber number) {
    NumberKey k = NumberKey.of(number);
    int i = s.segments().firstEndingAtOrAfter(k.hi(), k.lo());
    if (i < s.segments().end()) {
      return loader.load(s, i).map(seg -> seg.get(number));
    }
    return Future.succeededFuture(s.tail().get(number));
  }

  Future<FragmentRecord> next(Snapshot s, FragmentNumber after) {
    int i = after == null ? s.segments().start() : firstEndingAfter(s.segments(), NumberKey.of(after));
    return nextFrom(s, i, after);
  }

  private static int firstEndingAfter(SegmentList segments, NumberKey k) {
    return segments.firstEndingAfter(k.hi(), k.lo());
  }

  private Future<FragmentRecord> nextFrom(Snapshot s, int i, FragmentNumber after) {
    if (i >= s.segments().end()) {
      return Future.succeededFuture(s.tail().next(after));
    }
    // a segment may hold nothing of its own (all at or below the floor or held by the one before)
    return loader.load(s, i).compose(seg -> {
      FragmentRecord r = seg.next(after);
      return r != null ? Future.succeededFuture(r) : nextFrom(s, i + 1, after);
    });
  }

  Future<FragmentRecord> earliest(Snapshot s) {
    return next(s, null);
  }

  Future<FragmentRecord> latest(Snapshot s) {
    FragmentRecord t = s.tail().latest();
    return t != null ? Future.succeededFuture(t) : latestFrom(s, s.segments().end() - 1);
  }

  private Future<FragmentRecord> latestFrom(Snapshot s, int i) {
    if (i < s.segments().start()) {
      return Future.succeededFuture(null);
    }
    return loader.load(s, i).compose(seg -> {
      FragmentRecord r = seg.latest();
      return r != null ? Future.succeededFuture(r) : latestFrom(s, i - 1);
    });
  }

  // ------------------------------------------------------------------------------ locate

  /**
   * As {@link StreamIndex#locate}: the entry with the latest start at or before {@code millis}
   * (by server time the highest-numbered of equal starts, by producer time the earliest-ingested)
   * when it contains {@code millis}, else the first entry that starts after it.
   */
  Future<FragmentRecord> locate(Snapshot s, TimestampKind kind, long millis) {
    return latestStart(s, kind, millis).compose(best -> {
      if (best != null && Key.ts(best, kind) + best.durationMillis() > millis) {
        return Future.succeededFuture(best);
      }
      return millis == Long.MAX_VALUE ? Future.succeededFuture(null) : firstStartAfter(s, kind, millis);
    });
  }

  /** A candidate segment and the bound its sketch gives. */
  private record Candidate(int index, long bound) {}

  private Future<FragmentRecord> latestStart(Snapshot s, TimestampKind kind, long millis) {
    SegmentList segs = s.segments();
    List<Candidate> cands = new ArrayList<>();
    int[] span = span(segs, kind, Long.MIN_VALUE, millis);
    for (int i = span[0]; i < span[1]; i++) {
      if (segs.mayHold(i, kind, Long.MIN_VALUE, millis)) {
        cands.add(new Candidate(i, segs.highestTo(i, kind, millis)));
      }
    }
    // nearest below millis first; equal bounds: the segment whose numbers win the tie first
    cands.sort((a, b) -> {
      int c = Long.compare(b.bound(), a.bound());
      return c != 0 ? c : kind == TimestampKind.SERVER ? Integer.compare(b.index(), a.index())
          : Integer.compare(a.index(), b.index());
    });
    return latestStartFrom(s, kind, millis, cands, 0, s.tail().latestStartAtOrBefore(kind, millis));
  }

  private Future<FragmentRecord> latestStartFrom(Snapshot s, TimestampKind kind, long millis, List<Candidate> cands,
      int at, FragmentRecord best) {
    if (at >= cands.size()) {
      return Future.succeededFuture(best);
    }
    Candidate c = cands.get(at);
    if (best != null && !canBeat(s.segments(), c, kind, best)) {
      return Future.succeededFuture(best);
    }
    return loader.load(s, c.index()).compose(seg -> {
      FragmentRecord r = seg.latestStartAtOrBefore(kind, millis);
      return latestStartFrom(s, kind, millis, cands, at + 1, better(kind, best, r));
    });
  }

  /** Whether segment {@code c} may hold a later start than {@code best}, or an equal one that wins the tie. */
  private static boolean canBeat(SegmentList segs, Candidate c, TimestampKind kind, FragmentRecord best) {
    long t = Key.ts(best, kind);
    if (c.bound() != t) {
      return c.bound() > t;
    }
    NumberKey n = NumberKey.of(best.number());
    return kind == TimestampKind.SERVER ? segs.last(c.index()).compareTo(n) > 0 : segs.first(c.index()).compareTo(n) < 0;
  }

  private static FragmentRecord better(TimestampKind kind, FragmentRecord best, FragmentRecord r) {
    if (r == null) {
      return best;
    }
    if (best == null) {
      return r;
    }
    int c = Long.compare(Key.ts(r, kind), Key.ts(best, kind));
    if (c != 0) {
      return c > 0 ? r : best;
    }
    int n = NumberKey.of(r.number()).compareTo(NumberKey.of(best.number()));
    return (kind == TimestampKind.SERVER ? n > 0 : n < 0) ? r : best;
  }

  private Future<FragmentRecord> firstStartAfter(Snapshot s, TimestampKind kind, long millis) {
    SegmentList segs = s.segments();
    List<Candidate> cands = new ArrayList<>();
    int[] span = span(segs, kind, millis + 1, Long.MAX_VALUE);
    for (int i = span[0]; i < span[1]; i++) {
      if (segs.mayHold(i, kind, millis + 1, Long.MAX_VALUE)) {
        cands.add(new Candidate(i, segs.lowestFrom(i, kind, millis + 1)));
      }
    }
    sortAscending(cands);
    return firstStartAfterFrom(s, kind, millis, cands, 0, s.tail().firstStartAfter(kind, millis));
  }

  private Future<FragmentRecord> firstStartAfterFrom(Snapshot s, TimestampKind kind, long millis,
      List<Candidate> cands, int at, FragmentRecord best) {
    if (at >= cands.size()) {
      return Future.succeededFuture(best);
    }
    Candidate c = cands.get(at);
    if (best != null && Key.segmentAfter(best, kind, c.bound(), s.segments(), c.index())) {
      return Future.succeededFuture(best);
    }
    return loader.load(s, c.index()).compose(seg -> {
      FragmentRecord r = seg.firstStartAfter(kind, millis);
      FragmentRecord next = r == null ? best : best == null || Key.order(kind).compare(r, best) < 0 ? r : best;
      return firstStartAfterFrom(s, kind, millis, cands, at + 1, next);
    });
  }

  private static void sortAscending(List<Candidate> cands) {
    cands.sort((a, b) -> {
      int c = Long.compare(a.bound(), b.bound());
      return c != 0 ? c : Integer.compare(a.index(), b.index());
    });
  }

  /**
   * The positions worth looking at for timestamps in [from, to]: by server time the segments
   * between the last that starts before {@code from} and the first that starts after {@code to}
   * (server timestamps grow with numbers, as {@link StreamIndex} assumes too); by producer time all.
   */
  private static int[] span(SegmentList segs, TimestampKind kind, long from, long to) {
    if (kind == TimestampKind.PRODUCER) {
      return new int[] {segs.start(), segs.end()};
    }
    int a = segs.start();
    int b = segs.end();
    while (a < b) { // first segment whose server range reaches from
      int m = (a + b) >>> 1;
      if (segs.count(m) > 0 && segs.serverMax(m) < from) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    int lo = a;
    b = segs.end();
    while (a < b) { // first segment that starts after to
      int m = (a + b) >>> 1;
      if (segs.count(m) == 0 || segs.serverMin(m) <= to) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return new int[] {lo, a};
  }

  // ------------------------------------------------------------------------------ range

  /** As {@link StreamIndex#range}, over every segment and the tail. */
  Future<Page> range(Snapshot s, TimestampKind kind, long from, long to, int max, PageToken token) {
    SegmentList segs = s.segments();
    long lowest = kind == TimestampKind.PRODUCER && token != null ? Math.max(from, token.timestamp()) : from;
    List<Candidate> cands = new ArrayList<>();
    if (lowest <= to) {
      int[] span = span(segs, kind, lowest, to);
      for (int i = span[0]; i < span[1]; i++) {
        // by server time the token is a position in number order: only later segments can follow it
        boolean afterToken = kind == TimestampKind.PRODUCER || token == null
            || NumberKey.compare(segs.last(i).hi(), segs.last(i).lo(), token.hi(), token.lo()) > 0;
        if (afterToken && segs.mayHold(i, kind, lowest, to)) {
          cands.add(new Candidate(i, segs.lowestFrom(i, kind, lowest)));
        }
      }
    }
    sortAscending(cands);
    Page tailPage = s.tail().range(kind, from, to, max, token);
    RangeState state = new RangeState(kind, max);
    state.add(tailPage);
    return rangeFrom(s, kind, from, to, max, token, cands, 0, state);
  }

  /** The entries gathered so far, in order, at most {@code max}, and whether more are known. */
  private static final class RangeState {
    final TimestampKind kind;
    final int max;
    final List<FragmentRecord> found = new ArrayList<>();
    boolean more;

    RangeState(TimestampKind kind, int max) {
      this.kind = kind;
      this.max = max;
    }

    void add(Page p) {
      if (p.records().isEmpty()) {
        return;
      }
      more |= p.nextToken() != null;
      boolean sorted = found.isEmpty()
          || Key.order(kind).compare(found.get(found.size() - 1), p.records().get(0)) < 0;
      found.addAll(p.records());
      if (!sorted) {
        found.sort(Key.order(kind));
      }
      if (found.size() > max) {
        found.subList(max, found.size()).clear();
        more = true;
      }
    }

    boolean full() {
      return found.size() >= max;
    }
  }

  private Future<Page> rangeFrom(Snapshot s, TimestampKind kind, long from, long to, int max, PageToken token,
      List<Candidate> cands, int at, RangeState state) {
    if (at < cands.size()) {
      Candidate c = cands.get(at);
      if (!state.full() || !Key.segmentAfter(state.found.get(max - 1), kind, c.bound(), s.segments(), c.index())) {
        return loader.load(s, c.index()).compose(seg -> {
          state.add(seg.range(kind, from, to, max, token));
          return rangeFrom(s, kind, from, to, max, token, cands, at + 1, state);
        });
      }
      if (!state.more) {
        // a full page: whether a next one exists depends on a segment not read yet
        return anyInRange(s, kind, from, to, token, cands, at).map(any -> {
          state.more = any;
          return page(state);
        });
      }
    }
    return Future.succeededFuture(page(state));
  }

  private Future<Boolean> anyInRange(Snapshot s, TimestampKind kind, long from, long to, PageToken token,
      List<Candidate> cands, int at) {
    if (at >= cands.size()) {
      return Future.succeededFuture(false);
    }
    return loader.load(s, cands.get(at).index()).compose(seg -> seg.range(kind, from, to, 1, token).records().isEmpty()
        ? anyInRange(s, kind, from, to, token, cands, at + 1) : Future.succeededFuture(true));
  }

  private static Page page(RangeState state) {
    List<FragmentRecord> out = state.found;
    String next = null;
    if (state.more && !out.isEmpty()) {
      FragmentRecord last = out.get(out.size() - 1);
      NumberKey k = NumberKey.of(last.number());
      next = new PageToken(state.kind, Key.ts(last, state.kind), k.hi(), k.lo()).encode();
    }
    return new Page(Collections.unmodifiableList(out), next);
  }
}
