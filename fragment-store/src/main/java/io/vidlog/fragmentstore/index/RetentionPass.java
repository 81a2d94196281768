package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.StreamState.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * One retention pass over a stream, run by its writer: finds the newest expired fragment (from
 * the summary, reading at most the segment the cutoff falls in), makes it the durable floor,
 * then drops whole segments and the expired part of the tail, and deletes the dropped segments.
 * With {@code collect}, the removed records are listed too (reading the removed segments).
 */
final class RetentionPass {
  private final IndexObjects objects;
  private final SegmentCache cache;
  private final IndexQueries.Loader segments;
  private final StreamState st;
  private final long cutoff;
  private final List<FragmentRecord> collect;
  private final Snapshot s;
  private final SegmentList segs;
  /** The first segment not wholly before the cutoff (segs.end() when none). */
  private final int boundary;

  RetentionPass(IndexObjects objects, SegmentCache cache, IndexQueries.Loader segments, StreamState st, long cutoff,
      List<FragmentRecord> collect) {
    this.objects = objects;
    this.cache = cache;
    this.segments = segments;
    this.st = st;
    this.cutoff = cutoff;
    this.collect = collect;
    this.s = st.snapshot();
    this.segs = s.segments();
    int j = segs.start();
    while (j < segs.end() && (segs.count(j) == 0 || segs.serverMax(j) < cutoff)) {
      j++;
    }
    this.boundary = j;
  }

  Future<ObjectStoreTimeIndex.Expiry> run() {
    return partial().compose(part -> {
      NumberKey lastExpired = part.lastExpired;
      if (lastExpired == null || (s.floor() != null && lastExpired.compareTo(s.floor()) <= 0)) {
        return Future.succeededFuture(new ObjectStoreTimeIndex.Expiry(0, s.floor() == null ? null : s.floor().render()));
      }
      return wholeCount().compose(whole -> collectWhole(segs.start()).compose(v -> {
        if (collect != null) {
          collect.addAll(part.records);
        }
        return objects.writeFloor(st, lastExpired.render());
      }).map(v -> {
        List<String> dropped = apply(lastExpired, part.count);
        dropped.forEach(cache::invalidate);
        return dropped;
      }).compose(dropped -> {
        List<Future<Void>> deletes = new ArrayList<>();
        dropped.forEach(key -> deletes.add(objects.delete(key)));
        return Future.all(deletes);
      }).map(x -> new ObjectStoreTimeIndex.Expiry(whole + part.count, lastExpired.render())));
    });
  }

  /** What expires from the boundary segment, or from the tail when every segment expires. */
  private record Part(NumberKey lastExpired, int count, List<FragmentRecord> records) {}

  private Future<Part> partial() {
    NumberKey beforeBoundary = boundary > segs.start() ? segs.last(boundary - 1) : null;
    if (boundary < segs.end()) {
      if (segs.serverMin(boundary) >= cutoff) {
        return Future.succeededFuture(new Part(beforeBoundary, 0, List.of()));
      }
      return segments.load(s, boundary).map(seg -> part(seg, beforeBoundary));
    }
    return Future.succeededFuture(part(s.tail(), segs.lastNumber()));
  }

  private Part part(StreamIndex ix, NumberKey otherwise) {
    int k = ix.countBefore(cutoff);
    List<FragmentRecord> records = collect == null || k == 0 ? List.of() : ix.records().subList(0, k);
    return new Part(k > 0 ? ix.keyAt(k - 1) : otherwise, k, records);
  }

  /** Fragments of the wholly expired segments, net of what the floor had already removed from the first. */
  private Future<Long> wholeCount() {
    if (boundary == segs.start()) {
      return Future.succeededFuture(0L);
    }
    long sum = 0;
    for (int i = segs.start() + 1; i < boundary; i++) {
      sum += segs.count(i);
    }
    long rest = sum;
    int firstExpired;
    synchronized (st) {
      firstExpired = st.firstExpired;
    }
    if (firstExpired >= 0) {
      return Future.succeededFuture(rest + segs.count(segs.start()) - firstExpired);
    }
    // not known since a restart: count what the first segment holds above the floor
    return segments.load(s, segs.start()).map(seg -> rest + seg.size());
  }

  private Future<Void> collectWhole(int i) {
    if (collect == null || i >= boundary) {
      return Future.succeededFuture();
    }
    return segments.load(s, i).compose(seg -> {
      collect.addAll(seg.records());
      return collectWhole(i + 1);
    });
  }

  /** Drops what is at or below the new floor; returns the keys of the dropped segments. */
  private List<String> apply(NumberKey lastExpired, int partCount) {
    List<String> dropped = new ArrayList<>();
    synchronized (st) {
      SegmentList now = st.segments;
      int drop = now.countEndingAtOrBefore(lastExpired);
      for (int i = now.start(); i < now.start() + drop; i++) {
        dropped.add(now.objectKey(st.prefix, i));
      }
      SegmentList kept = now.dropFirst(drop);
      if (kept.isEmpty() || kept.first(kept.start()).compareTo(lastExpired) > 0) {
        st.firstExpired = 0;
      } else if (drop > 0) {
        st.firstExpired = partCount; // the boundary segment is the first now
      } else if (st.firstExpired >= 0) {
        st.firstExpired += partCount;
      }
      st.segments = kept;
      st.floor = lastExpired;
      if (st.tail.size() > 0 && st.tail.keyAt(0).compareTo(lastExpired) <= 0) {
        st.tail = st.tail.copyAfter(lastExpired);
      }
      st.summaryChanges += drop;
    }
    return dropped;
  }
}
