package io.vidlog.ingest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * KVS's PutMedia call rate per stream (docs/wire-protocol.md §6: 5 calls per second per stream, a hard
 * limit; over it, ClientLimitExceededException): a token bucket per stream holding at most one
 * second of calls and refilled continuously, so a burst of that many calls passes and a client
 * that retries at once is refused until the bucket refills. Refused calls take no token.
 * Thread-safe.
 */
final class CallRate {
  private record Bucket(double tokens, long atNanos) {}

  private final int perSecond;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  CallRate(int perSecond, LongSupplier nanoClock) {
    this.perSecond = perSecond;
    this.nanoClock = nanoClock;
  }

  /** Takes one call from the stream's bucket; false when the stream is over its rate. */
  boolean tryCall(String streamId) {
    long now = nanoClock.getAsLong();
    boolean[] allowed = {false};
    buckets.compute(streamId, (id, b) -> {
      double tokens = b == null ? perSecond
          : Math.min(perSecond, b.tokens() + (now - b.atNanos()) * perSecond / 1e9);
      allowed[0] = tokens >= 1;
      return new Bucket(allowed[0] ? tokens - 1 : tokens, now);
    });
    return allowed[0];
  }

  void forget(String streamId) {
    buckets.remove(streamId);
  }
}
