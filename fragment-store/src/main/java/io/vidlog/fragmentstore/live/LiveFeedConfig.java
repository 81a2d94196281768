package io.vidlog.fragmentstore.live;

/**
 * Bounds of the live path. The window (per stream) follows what KVS keeps for retention-0 streams
 * (docs/wire-protocol.md §2 "Zero retention": at most 5 minutes or 200 MB); the per-subscriber bounds say how
 * far a reader may fall behind the publisher before it is cut off as a SLOW_CONSUMER.
 *
 * <p>KVS bounds each stream on its own; a self-hosted server has one heap for all of them (50 cameras
 * at 4 Mbit/s hold 7.5 GB in 5-minute windows). {@link #totalBytes()} therefore caps what the windows
 * of all streams of one {@link MemoryLiveFeeds} hold together. Under that global pressure a stream's
 * window shrinks below its own time and byte bounds: whole closed fragments are evicted oldest first
 * across streams, in the order they closed (never a fragment still being published), and a reader
 * positioned in an evicted fragment is cut off with BEHIND_WINDOW exactly as by a per-stream eviction,
 * so it resumes from the store (or, for retention 0, loses what it had not read — as a KVS reader
 * does past the 5-minute window). The retention-0 "5 minutes" is thus an upper bound, not a promise;
 * {@link MemoryLiveFeeds#evictions(EvictionReason)} says how often each bound bit.
 *
 * <p>Between two fragment boundaries the held total may exceed the budget by at most the open
 * (unfinished) fragment of each publishing stream, since eviction runs when fragments close.
 *
 * @param windowMillis how long a closed fragment stays readable, by its server timestamp
 * @param windowBytes how many bytes of fragments (headers, frames, trailers) a feed holds at most
 * @param subscriberQueueEvents events published since subscribe and not yet delivered, at most
 * @param subscriberQueueBytes bytes of those events, at most
 * @param totalBytes how many bytes the windows of all feeds hold together, at most (see above);
 *     {@link #defaultTotalBytes()} unless configured
 */
public record LiveFeedConfig(long windowMillis, long windowBytes, int subscriberQueueEvents,
    long subscriberQueueBytes, long totalBytes) {

  /** The most {@link #defaultTotalBytes()} picks, whatever the heap (and when the heap is unbounded). */
  public static final long DEFAULT_TOTAL_BYTES_CAP = 4L << 30;
  /** The least {@link #defaultTotalBytes()} picks, so that a tiny heap still keeps a few fragments. */
  public static final long DEFAULT_TOTAL_BYTES_FLOOR = 8L << 20;

  public static final LiveFeedConfig DEFAULT = new LiveFeedConfig(5 * 60_000L, 200L << 20, 10_000, 32L << 20);

  public LiveFeedConfig {
    if (windowMillis < 0 || windowBytes < 0 || subscriberQueueEvents < 1 || subscriberQueueBytes < 1
        || totalBytes < 1) {
      throw new IllegalArgumentException("live feed bounds must be positive: " + windowMillis + " ms, "
          + windowBytes + " B, " + subscriberQueueEvents + " events, " + subscriberQueueBytes + " B, "
          + totalBytes + " B in total");
    }
  }

  /** The per-stream and per-subscriber bounds, with the global budget {@link #defaultTotalBytes()}. */
  public LiveFeedConfig(long windowMillis, long windowBytes, int subscriberQueueEvents, long subscriberQueueBytes) {
    this(windowMillis, windowBytes, subscriberQueueEvents, subscriberQueueBytes, defaultTotalBytes());
  }

  /** This config with another global budget. */
  public LiveFeedConfig withTotalBytes(long totalBytes) {
    return new LiveFeedConfig(windowMillis, windowBytes, subscriberQueueEvents, subscriberQueueBytes, totalBytes);
  }

  /**
   * A quarter of the JVM's maximum heap ({@link Runtime#maxMemory()}), at least
   * {@link #DEFAULT_TOTAL_BYTES_FLOOR} and at most {@link #DEFAULT_TOTAL_BYTES_CAP}: the rest of the
   * heap stays for ingest buffers, chunk assembly, playback sessions and the store's caches. A 2 GB
   * heap gives 512 MB, about 20 s of each of 50 streams at 4 Mbit/s.
   */
  public static long defaultTotalBytes() {
    long max = Runtime.getRuntime().maxMemory(); // Long.MAX_VALUE when the heap has no limit
    return Math.max(DEFAULT_TOTAL_BYTES_FLOOR, Math.min(max / 4, DEFAULT_TOTAL_BYTES_CAP));
  }
}
