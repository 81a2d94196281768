package io.vidlog.fragmentstore.chunk;

import io.vidlog.fragmentstore.crypto.StreamingSeal;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The arrays sealed chunk segments are encrypted into and written from, reused: a sealed segment
 * (64 KiB + tag) lives from its sealing until its file write completes, and a fresh array each time
 * cost an allocation and zeroing per segment at hundreds of streams. Bounded: at most
 * {@code maxIdle} arrays are kept; when all kept arrays are out a fresh one is made, and it is kept
 * on release if there is room. Thread-safe (sealing runs on event loops, writes complete on others).
 */
final class SealedSegmentPool {
  static final int SEGMENT_BYTES = StreamingSeal.sealedLength(StreamingSeal.SEGMENT_SIZE);
  /** About 16 MiB kept: the segments in flight of a few hundred streams at once. */
  static final int DEFAULT_MAX_IDLE = 256;

  private final ArrayBlockingQueue<byte[]> idle;
  private final AtomicInteger inUse = new AtomicInteger();

  SealedSegmentPool(int maxIdle) {
    this.idle = new ArrayBlockingQueue<>(maxIdle);
  }

  /** An array of {@link #SEGMENT_BYTES} to seal one segment into; give it back with {@link #release}. */
  byte[] acquire() {
    byte[] b = idle.poll();
    inUse.incrementAndGet();
    return b != null ? b : new byte[SEGMENT_BYTES];
  }

  /** Takes back an array from {@link #acquire}, once nothing reads it any more. */
  void release(byte[] segment) {
    inUse.decrementAndGet();
    idle.offer(segment);
  }

  /** Arrays acquired and not yet released: zero whenever no chunk write is in flight (tests, metrics). */
  int inUse() {
    return inUse.get();
  }

  /** Arrays kept for reuse. */
  int idle() {
    return idle.size();
  }
}
