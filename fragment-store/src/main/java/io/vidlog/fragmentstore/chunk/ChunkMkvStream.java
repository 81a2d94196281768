package io.vidlog.fragmentstore.chunk;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The plaintext MKV of a stored chunk as a {@link ReadStream}: it reads ranges of
 * {@value #SEGMENTS_PER_RANGE} sealed segments (about 1 MiB; the first range is shorter) through
 * {@link ObjectStore#readRange}, which opens them on a store worker straight from the read buffer
 * (no copy of the range, and no decryption on the event loop), and emits one {@link Buffer} per
 * 64 KiB segment in order. Reads are issued only while the consumer has demand, at most
 * {@value #MAX_IN_FLIGHT} ranges at a time, and only while fewer than {@value #READ_AHEAD_SEGMENTS}
 * segments are buffered or in flight, so the store read and decryption of the next range overlap
 * the consumer's socket writes of this one and memory per reader stays under three ranges. It
 * starts paused: nothing is read until {@link #fetch}, {@link #resume} or a pipe asks. Any segment
 * that fails to authenticate ends the stream with a {@link StoreException} of kind INTEGRITY through
 * the exception handler, and no further bytes are emitted.
 *
 * <p>All state is touched on the context that created the stream (the store's futures complete
 * there); calls from other threads are moved onto it. Ranges completing out of order are held until
 * the ranges before them complete.
 */
final class ChunkMkvStream implements ReadStream<Buffer> {
  static final int SEGMENTS_PER_RANGE = 16;
  /**
   * The first range is short: replay moves from chunk to chunk, and until the first range of the
   * next chunk is read and opened the socket has nothing new to send, so a short first range shortens
   * that gap while the full range after it is read on another worker.
   */
  static final int FIRST_RANGE_SEGMENTS = 4;
  /** Ranges being read and opened at once for one reader: one for the segments being emitted, one ahead. */
  static final int MAX_IN_FLIGHT = 2;
  /** Buffered plus in-flight segments below which the next range is read. */
  static final int READ_AHEAD_SEGMENTS = 2 * SEGMENTS_PER_RANGE;

  private final Context context;
  private final ObjectStore store;
  private final String key;
  private final StreamingSeal opener;
  private final long mkvLength;
  private final long segments;
  private final ArrayDeque<Buffer> ready = new ArrayDeque<>();
  /** Ranges requested from the store, in segment order; completed ones wait here for their predecessors. */
  private final ArrayDeque<Range> inFlight = new ArrayDeque<>();
  private long nextFetch;
  private long demand;
  private boolean emitting;
  private boolean again;
  private boolean done;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  /** One requested range: its segments once opened, or why it failed. */
  private static final class Range {
    final int count;
    Buffer[] segments;
    Throwable failure;

    Range(int count) {
      this.count = count;
    }

    boolean completed() {
      return segments != null || failure != null;
    }
  }

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
    if (ready.isEmpty() && inFlight.isEmpty() && nextFetch >= segments) {
      done = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
      return;
    }
    while (demand > 0 && handler != null && nextFetch < segments && inFlight.size() < MAX_IN_FLIGHT
        && ready.size() + inFlightSegments() < READ_AHEAD_SEGMENTS) {
      fetchRange();
    }
  }

  private int inFlightSegments() {
    int n = 0;
    for (Range r : inFlight) {
      n += r.count;
    }
    return n;
  }

  private void fetchRange() {
    long first = nextFetch;
    int count = (int) Math.min(first == 0 ? FIRST_RANGE_SEGMENTS : SEGMENTS_PER_RANGE, segments - first);
    long offset = ChunkLayout.segmentOffset(first);
    long end = Math.min(ChunkLayout.segmentOffset(first + count),
        StreamingSeal.PREFIX_LENGTH + ChunkLayout.sealedMkvLength(mkvLength));
    Range range = new Range(count);
    inFlight.add(range);
    nextFetch = first + count;
    store.readRange(key, offset, end - offset, sealed -> open(sealed, first, count)).onComplete(ar -> {
      if (ar.succeeded()) {
        range.segments = ar.result();
      } else {
        range.failure = ar.cause();
      }
      if (Vertx.currentContext() == context) {
        completed();
      } else {
        context.runOnContext(v -> completed());
      }
    });
  }

  /** Moves the completed ranges at the head of {@link #inFlight} to {@link #ready}, in order, then emits. */
  private void completed() {
    while (!inFlight.isEmpty() && inFlight.peek().completed() && !done) {
      Range r = inFlight.poll();
      if (r.failure != null) {
        fail(r.failure instanceof StoreException ? r.failure
            : new StoreException(StoreException.Kind.INTERNAL, "reading " + key + " failed: " + r.failure, r.failure));
        return;
      }
      for (Buffer b : r.segments) {
        ready.add(b);
      }
    }
    drain();
  }

  /**
   * Runs on a store worker: opens {@code count} sealed segments from {@code sealed} (the read
   * buffer, valid only during this call) into fresh Vert.x heap buffers, decrypting straight from
   * the read buffer into each one.
   */
  private Buffer[] open(ByteBuffer sealed, long first, int count) {
    Buffer[] out = new Buffer[count];
    for (int i = 0; i < count; i++) {
      long index = first + i;
      int plain = (int) Math.min(StreamingSeal.SEGMENT_SIZE, mkvLength - index * StreamingSeal.SEGMENT_SIZE);
      int len = plain + StreamingSeal.TAG_BYTES;
      if (sealed.remaining() < len) {
        throw ChunkLayout.integrity(key + ": segment " + index + " is truncated");
      }
      ByteBuffer in = sealed.slice(sealed.position(), len);
      sealed.position(sealed.position() + len);
      // Vert.x's own heap buffer (Netty skips zeroing where the JDK lets it): the consumer may slice or append as usual
      BufferInternal b = BufferInternal.buffer(plain);
      ByteBuf bytes = b.unwrap();
      int n = opener.open((int) index, false, null, in, bytes.nioBuffer(0, plain));
      bytes.writerIndex(n);
      out[i] = b;
    }
    return out;
  }

  @Override
  public String toString() {
    return "ChunkMkvStream[" + key + " next=" + nextFetch + "/" + segments + " ready=" + ready.size() + " demand=" + demand
        + " inFlight=" + inFlight.size() + " emitting=" + emitting + " done=" + done + "]";
  }

  private void fail(Throwable t) {
    if (done) {
      return;
    }
    done = true;
    ready.clear();
    inFlight.clear();
    if (exceptionHandler != null) {
      exceptionHandler.handle(t);
    }
  }
}
