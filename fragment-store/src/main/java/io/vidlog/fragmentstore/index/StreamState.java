package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.streams.StreamInfo;

/**
 * One stream's index as it is held in memory: the resident summary of its sealed segments, the
 * open tail of fragments not yet in a segment, and the retention floor. Guarded by its own monitor;
 * segment and summary writes and retention run one at a time through {@link #writes}, so the
 * segment list and the tail are replaced only there, while appends add to the tail at any time.
 */
final class StreamState {
  /** What a query works on: a consistent picture, unchanged by later appends to other objects. */
  record Snapshot(StreamState state, SegmentList segments, StreamIndex tail, NumberKey floor) {}

  final StreamInfo stream;
  final String prefix;
  final AsyncLimiter writes = new AsyncLimiter(1);
  SegmentList segments = SegmentList.EMPTY;
  /** Entries numbered after the last segment, in number order; appended to, or replaced by a copy. */
  StreamIndex tail;
  /** The newest fragment retention removed; null: none. */
  NumberKey floor;
  /** Entries of the first segment at or below the floor; -1 when not known (loaded from a summary). */
  int firstExpired;
  /** Segments added or dropped since the summary object was last written. */
  int summaryChanges;
  boolean flushQueued;
  /** Resolved on first need, so a stream that never stored anything gets no data key. */
  Future<ObjectSealer> sealer;

  StreamState(StreamInfo stream, String prefix) {
    this.stream = stream;
    this.prefix = prefix;
    this.tail = new StreamIndex(stream.streamId());
  }

  synchronized Snapshot snapshot() {
    return new Snapshot(this, segments, tail, floor);
  }

  /** Bytes this stream keeps in memory whatever is queried: the summary and the tail. */
  synchronized long residentBytes() {
    return segments.retainedBytes() + tail.retainedBytes() + 256;
  }
}
