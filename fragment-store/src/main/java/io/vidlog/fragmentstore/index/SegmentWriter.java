package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals a stream's tail into segments and keeps its summary object current. Runs as the stream's
 * writer ({@link StreamState#writes}), one task at a time and never beside retention, so the tail's
 * oldest entries stay put while a segment of them is written.
 */
final class SegmentWriter {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentWriter.class);

  private final IndexObjects objects;
  private final SegmentCache cache;
  private final IndexConfig config;

  SegmentWriter(IndexObjects objects, SegmentCache cache, IndexConfig config) {
    this.objects = objects;
    this.cache = cache;
    this.config = config;
  }

  /**
   * After an append: queues a write when a whole segment is in the tail ({@code force}, the flush
   * timer and shutdown: writes all of the tail, and the summary if anything changed).
   */
  Future<Void> maybeFlush(StreamState st, boolean force) {
    synchronized (st) {
      if (!force) {
        if (st.flushQueued || st.tail.size() < config.segmentSize()) {
          return Future.succeededFuture();
        }
        st.flushQueued = true;
      }
    }
    return st.writes.run(() -> {
      if (!force) {
        synchronized (st) {
          st.flushQueued = false;
        }
      }
      return flushNow(st, force);
    });
  }

  /** Writes whole segments (and with {@code partial} the rest of the tail), then the summary when due. */
  Future<Void> flushNow(StreamState st, boolean partial) {
    return writeSegments(st, partial).compose(v -> writeSummary(st, partial));
  }

  private Future<Void> writeSegments(StreamState st, boolean partial) {
    StreamIndex seg;
    synchronized (st) {
      int n = st.tail.size();
      if (n == 0 || (n < config.segmentSize() && !partial)) {
        return Future.succeededFuture();
      }
      // entries [0, k) of the tail stay as they are: appends add at the end, and only this writer replaces the tail
      seg = st.tail.copy(0, Math.min(n, config.segmentSize()));
    }
    NumberKey first = seg.keyAt(0);
    NumberKey last = seg.keyAt(seg.size() - 1);
    String key = IndexObjects.segmentKey(st.prefix, first, last);
    return objects.writeSegment(st, first, last, SegmentCodec.encode(seg, 0, seg.size())).transform(ar -> {
      if (ar.failed()) {
        // the entries stay in the tail and in their chunks; the next append or flush tries again
        LOG.warn("writing index segment {} failed: {}", key, ar.cause().toString());
        return Future.failedFuture(ar.cause());
      }
      NumberKey after;
      synchronized (st) {
        after = st.segments.isEmpty() ? st.floor : st.segments.lastNumber();
        st.segments = st.segments.with(first, last, seg.sketch(SegmentSketch.MAX_INTERVALS));
        st.tail = st.tail.copyAfter(last);
        st.summaryChanges++;
      }
      cache.put(key, after, seg); // just written: the likeliest to be read next
      return writeSegments(st, partial);
    });
  }

  /** Rewrites the summary object when enough segments changed ({@code force}: any). */
  Future<Void> writeSummary(StreamState st, boolean force) {
    int changes;
    SegmentList segs;
    synchronized (st) {
      changes = st.summaryChanges;
      segs = st.segments;
    }
    if (changes == 0 || (!force && changes < summaryInterval(segs.size()))) {
      return Future.succeededFuture();
    }
    return objects.writeSummary(st, segs)
        .map(v -> {
          synchronized (st) {
            st.summaryChanges -= changes;
          }
          return (Void) null;
        })
        .recover(e -> {
          // the segments are durable; a later write or a rebuild from them catches up
          LOG.warn("writing the index summary of stream {} failed: {}", st.stream.streamId(), e.toString());
          return Future.succeededFuture();
        });
  }

  /**
   * How many segments may be written before the summary is rewritten: at least 16, at most 256,
   * and 1/64 of the summary in between, so rewriting costs a bounded multiple of the segments
   * written and a load lists and reads at most 256 segments beyond the summary.
   */
  static int summaryInterval(int segments) {
    return Math.max(16, Math.min(256, segments / 64));
  }
}
