package io.vidlog.fragmentstore.live;

/**
 * Bounds of the live path. The window (per stream) follows what KVS keeps for retention-0 streams
 * (kvs-api.md §2 "Zero retention": at most 5 minutes or 200 MB); the per-subscriber bounds say how
 * far a reader may fall behind the publisher before it is cut off as a SLOW_CONSUMER.
 *
 * @param windowMillis how long a closed fragment stays readable, by its server timestamp
 * @param windowBytes how many bytes of fragments (headers, frames, trailers) a feed holds at most
 * @param subscriberQueueEvents events published since subscribe and not yet delivered, at most
 * @param subscriberQueueBytes bytes of those events, at most
 */
public record LiveFeedConfig(long windowMillis, long windowBytes, int subscriberQueueEvents,
    long subscriberQueueBytes) {

  public static final LiveFeedConfig DEFAULT = new LiveFeedConfig(5 * 60_000L, 200L << 20, 10_000, 32L << 20);

  public LiveFeedConfig {
    if (windowMillis < 0 || windowBytes < 0 || subscriberQueueEvents < 1 || subscriberQueueBytes < 1) {
      throw new IllegalArgumentException("live feed bounds must be positive: " + windowMillis + " ms, "
          + windowBytes + " B, " + subscriberQueueEvents + " events, " + subscriberQueueBytes + " B");
    }
  }
}
