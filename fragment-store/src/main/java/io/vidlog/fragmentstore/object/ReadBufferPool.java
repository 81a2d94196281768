package io.vidlog.fragmentstore.object;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Heap read buffers of one fixed size, reused across range reads so a read neither allocates nor
 * zeroes a fresh megabyte each time. Bounded: at most {@code maxIdle} buffers are kept; a request
 * larger than the buffer size, or made while all kept buffers are out, gets a fresh buffer that is
 * dropped on release. Thread-safe; buffers are taken and given back on worker threads.
 */
final class ReadBufferPool {
  private final int bufferSize;
  private final ArrayBlockingQueue<ByteBuffer> idle;
  private final AtomicInteger inUse = new AtomicInteger();

  ReadBufferPool(int bufferSize, int maxIdle) {
    this.bufferSize = bufferSize;
    this.idle = new ArrayBlockingQueue<>(maxIdle);
  }

  /** A cleared heap buffer with {@code length} bytes of room (its limit is {@code length}). */
  ByteBuffer acquire(int length) {
    ByteBuffer b = length <= bufferSize ? idle.poll() : null;
    if (b == null) {
      b = ByteBuffer.allocate(Math.max(length, bufferSize));
    }
    inUse.incrementAndGet();
    b.clear().limit(length);
    return b;
  }

  /** Gives a buffer from {@link #acquire} back; it must not be used afterwards. */
  void release(ByteBuffer b) {
    inUse.decrementAndGet();
    if (b.capacity() == bufferSize) {
      idle.offer(b);
    }
  }

  /** Buffers acquired and not yet released (tests, metrics). */
  int inUse() {
    return inUse.get();
  }

  /** Buffers kept for reuse. */
  int idle() {
    return idle.size();
  }
}
