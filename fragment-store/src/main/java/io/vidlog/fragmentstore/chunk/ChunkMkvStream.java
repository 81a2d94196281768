package io.vidlog.fragmentstore.chunk;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import java.util.ArrayDeque;

/**
 * The plaintext MKV of a stored chunk as a {@link ReadStream}: it fetches ranges of
 * {@value #SEGMENTS_PER_RANGE} sealed segments (about 1 MiB) from the store only when the consumer
 * has demand and at most half of the previous range is left, opens them one segment at a time and
 * emits one {@link Buffer} per 64 KiB segment. Memory is bounded by one and a half ranges. It starts paused: nothing is
 * read until {@link #fetch}, {@link #resume} or a pipe asks. Any segment that fails to
 * authenticate ends the stream with a {@link StoreException} of kind INTEGRITY through the
 * exception handler, and no further bytes are emitted.
 *
 * <p>All state is touched on the context that created the stream (the store's futures complete
 * there); calls from other threads are moved onto it.
 */
final class ChunkMkvStream implements ReadStream<Buffer> {
  static final int SEGMENTS_PER_RANGE = 16;

  private final Context context;
  private final ObjectStore store;
  private final String key;
  private final StreamingSeal opener;
  private final long mkvLength;
  private final long segments;
  private final ArrayDeque<Buffer> ready = new ArrayDeque<>();
  private long nextFetch;
  private long demand;
  private boolean fetching;
  private boolean emitting;
  private boolean again;
  private boolean done;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  ChunkMkvStream(Vertx vertx, ObjectStore store, String key, StreamingSeal opener, long mkvLength) {
    this.context = vertx.getOrCreateContext();
    this.store = store;
    this.key = key;
    this.opener = opener;
    this.mkvLength = mkvLength;
    this.segments = ChunkLayout.segmentCount(mkvLength);
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    schedule();
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("negative fetch " + amount);
    }
    demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    schedule();
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  private void schedule() {
    if (Vertx.currentContext() == context) {
      drain();
    } else {
      context.runOnContext(v -> drain());
    }
  }

  /**
   * Emits what the demand allows, then ends or fetches the next range. Re-entrant calls (a handler
   * calling fetch, or a range read that completed synchronously) only set {@link #again}, and the
   * outer call loops, so no event is lost and the stack does not grow.
   */
  private void drain() {
    if (emitting) {
      again = true;
      return;
    }
    emitting = true;
    try {
      do {
        again = false;
        drainOnce();
      } while (again && !done);
    } finally {
      emitting = false;
    }
  }

  private void drainOnce() {
    while (demand > 0 && handler != null && !ready.isEmpty() && !done) {
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle(ready.poll());
    }
    if (done) {
      return;
    }
    if (ready.isEmpty() && nextFetch >= segments && !fetching) {
      done = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    } else if (demand > 0 && handler != null && !fetching && nextFetch < segments
        && ready.size() <= SEGMENTS_PER_RANGE / 2) {
      // read ahead once half a range is used, so the store read of the next range overlaps
      // emitting (and the consumer's socket writes) of this one; memory stays under 1.5 ranges
      fetchRange();
    }
  }

  private void fetchRange() {
    long first = nextFetch;
    int count = (int) Math.min(SEGMENTS_PER_RANGE, segments - first);
    long offset = ChunkLayout.segmentOffset(first);
    long end = Math.min(ChunkLayout.segmentOffset(first + count),
        StreamingSeal.PREFIX_LENGTH + ChunkLayout.sealedMkvLength(mkvLength));
    fetching = true;
    nextFetch = first + count;
    store.getRange(key, offset, end - offset).onComplete(ar -> {
      fetching = false;
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      try {
        open(ar.result(), first, count);
      } catch (StoreException e) {
        fail(e);
        return;
      } catch (RuntimeException e) {
        fail(new StoreException(StoreException.Kind.INTERNAL, "reading " + key + " failed: " + e, e));
        return;
      }
      drain();
    });
  }

  private void open(Buffer sealed, long first, int count) {
    byte[] in = sealed.getBytes();
    int pos = 0;
    for (int i = 0; i < count; i++) {
      long index = first + i;
      long plain = Math.min(StreamingSeal.SEGMENT_SIZE, mkvLength - index * StreamingSeal.SEGMENT_SIZE);
      int len = (int) plain + StreamingSeal.TAG_BYTES;
      if (pos + len > in.length) {
        throw ChunkLayout.integrity(key + ": segment " + index + " is truncated");
      }
      byte[] out = new byte[(int) plain];
      opener.open((int) index, false, null, in, pos, len, out, 0);
      ready.add(Buffer.buffer(out));
      pos += len;
    }
  }

  @Override
  public String toString() {
    return "ChunkMkvStream[" + key + " next=" + nextFetch + "/" + segments + " ready=" + ready.size() + " demand=" + demand
        + " fetching=" + fetching + " emitting=" + emitting + " done=" + done + "]";
  }

  private void fail(Throwable t) {
    if (done) {
      return;
    }
    done = true;
    ready.clear();
    if (exceptionHandler != null) {
      exceptionHandler.handle(t);
    }
  }
}
