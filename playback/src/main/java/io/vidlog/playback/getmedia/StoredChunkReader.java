package io.vidlog.playback.getmedia;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.playback.chunk.StoredChunkStreamer;

/**
 * Finds and opens the stored chunks a GetMedia session sends, one ahead: when it hands out chunk n,
 * the index lookup and archive open of the chunk after n start at once, so replay does not stall on
 * a lookup and a chunk-header read between two chunks. Every outcome is a {@link Fetched} value;
 * the returned futures never fail. After {@link #close()} nothing it opened is left open.
 */
final class StoredChunkReader {

  /** What the reader found after a position. */
  sealed interface Fetched {
    /** The chunk to send next, open. */
    record Opened(FragmentNumber number, StoredChunkStreamer.Transfer transfer) implements Fetched {}

    /** The index has nothing after the position yet: the session is at the live edge. */
    record NoneYet() implements Fetched {}

    /** The index listed this fragment but its chunk is gone (expired by retention in between). */
    record Gone(FragmentNumber number) implements Fetched {}

    /** The index or the store failed; {@code number} is the fragment being looked up or opened. */
    record Failed(FragmentNumber number, Throwable cause) implements Fetched {}
  }

  /** A lookup and open started ahead of time, for the position after {@code after}. */
  private record Ahead(FragmentNumber after, Future<Fetched> fetched) {}

  private final StreamInfo stream;
  private final TimeIndex index;
  private final StoredChunkStreamer stored;
  private Ahead ahead;
  private boolean closed;

  StoredChunkReader(StreamInfo stream, TimeIndex index, StoredChunkStreamer stored) {
    this.stream = stream;
    this.index = index;
    this.stored = stored;
  }

  /** Opens exactly this fragment (a timestamp selector resolved to it). */
  Future<Fetched> first(FragmentRecord record) {
    return handOut(open(record.number()));
  }

  /** The first stored chunk after {@code position}, opened. */
  Future<Fetched> after(FragmentNumber position) {
    Ahead a = ahead;
    ahead = null;
    if (a != null && a.after().equals(position)) {
      return handOut(a.fetched());
    }
    if (a != null) {
      release(a.fetched()); // the session moved elsewhere (it went live and came back)
    }
    return handOut(lookup(position));
  }

  /** Cancels what was opened ahead, and anything still being opened when it arrives. */
  void close() {
    closed = true;
    if (ahead != null) {
      release(ahead.fetched());
      ahead = null;
    }
  }

  private Future<Fetched> handOut(Future<Fetched> fetched) {
    return fetched.map(f -> {
      if (f instanceof Fetched.Opened o) {
        if (closed) {
          o.transfer().cancel();
        } else {
          ahead = new Ahead(o.number(), lookup(o.number()));
        }
      }
      return f;
    });
  }

  private Future<Fetched> lookup(FragmentNumber position) {
    return index.next(stream, position).transform(ar -> {
      if (ar.failed()) {
        return Future.succeededFuture(new Fetched.Failed(position, ar.cause()));
      }
      return ar.result() == null ? Future.succeededFuture(new Fetched.NoneYet()) : open(ar.result().number());
    });
  }

  private Future<Fetched> open(FragmentNumber number) {
    return stored.open(stream, number).transform(ar -> Future.succeededFuture(ar.succeeded()
        ? new Fetched.Opened(number, ar.result())
        : StoreException.isNotFound(ar.cause()) ? new Fetched.Gone(number) : new Fetched.Failed(number, ar.cause())));
  }

  private static void release(Future<Fetched> fetched) {
    fetched.onSuccess(f -> {
      if (f instanceof Fetched.Opened o) {
        o.transfer().cancel();
      }
    });
  }
}
