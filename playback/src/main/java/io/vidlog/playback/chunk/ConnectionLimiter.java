package io.vidlog.playback.chunk;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open streaming connections per stream (docs/wire-protocol.md §2 "Limits": 3 concurrent GetMedia
 * connections per stream; §3.2: 5 for GetMediaForFragmentList). Shared by every event loop.
 */
public final class ConnectionLimiter {
  private final int limit;
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

  public ConnectionLimiter(int limit) {
    this.limit = limit;
  }

  /** Takes a slot for {@code streamId}; false when the stream already has {@code limit} connections. */
  public boolean tryAcquire(String streamId) {
    AtomicInteger n = open.computeIfAbsent(streamId, k -> new AtomicInteger());
    while (true) {
      int current = n.get();
      if (current >= limit) {
        return false;
      }
      if (n.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  public void release(String streamId) {
    open.computeIfPresent(streamId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  public int open(String streamId) {
    AtomicInteger n = open.get(streamId);
    return n == null ? 0 : n.get();
  }
}
