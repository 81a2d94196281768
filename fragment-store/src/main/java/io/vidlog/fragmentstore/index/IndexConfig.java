package io.vidlog.fragmentstore.index;

/**
 * Tuning of the durable time index.
 *
 * @param segmentSize fragments per immutable index-segment object
 * @param maxConcurrentLoads streams whose resident summary may be loading at the same time (a load
 *     holds one stream's summary and tail, and reads what it lists with readParallelism)
 * @param readParallelism object reads in flight while one stream's index loads
 * @param cacheBytes memory for sealed segments loaded on demand, shared by every stream of the
 *     server ({@link SegmentCache}); 0 keeps none beyond the query that loaded it
 */
public record IndexConfig(int segmentSize, int maxConcurrentLoads, int readParallelism, long cacheBytes) {
  /**
   * System properties that change {@link #DEFAULT} for a whole test run, so the suites can run
   * against tiny segments and a cache that holds nothing (every query then loads segments), e.g.
   * {@code mvn verify -Dvidlog.index.segmentSize=2 -Dvidlog.index.cacheBytes=0}.
   */
  public static final String SEGMENT_SIZE_PROPERTY = "vidlog.index.segmentSize";
  public static final String CACHE_BYTES_PROPERTY = "vidlog.index.cacheBytes";

  public static final IndexConfig DEFAULT = new IndexConfig(
      (int) property(SEGMENT_SIZE_PROPERTY, 1_000, 1, 1_000_000), 16, 16, defaultCacheBytes());

  public IndexConfig {
    if (segmentSize < 1 || maxConcurrentLoads < 1 || readParallelism < 1 || cacheBytes < 0) {
      throw new IllegalArgumentException("index config values must be positive: segmentSize=" + segmentSize
          + " maxConcurrentLoads=" + maxConcurrentLoads + " readParallelism=" + readParallelism
          + " cacheBytes=" + cacheBytes);
    }
  }

  /** With the default cache size. */
  public IndexConfig(int segmentSize, int maxConcurrentLoads, int readParallelism) {
    this(segmentSize, maxConcurrentLoads, readParallelism, defaultCacheBytes());
  }

  public IndexConfig withCacheBytes(long bytes) {
    return new IndexConfig(segmentSize, maxConcurrentLoads, readParallelism, bytes);
  }

  /**
   * An eighth of the maximum heap, at least 8 MB and at most 4 GB: beside the live windows (a
   * quarter) and ingest's parser buffers (a quarter), enough for the recent segments of every live
   * stream and the ranges being read, about 46 bytes per cached fragment (256 MB hold 5.5 million).
   * {@link #CACHE_BYTES_PROPERTY} overrides it.
   */
  public static long defaultCacheBytes() {
    long byHeap = Math.min(4L << 30, Math.max(8L << 20, Runtime.getRuntime().maxMemory() / 8));
    return property(CACHE_BYTES_PROPERTY, byHeap, 0, Long.MAX_VALUE);
  }

  private static long property(String name, long fallback, long min, long max) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new IllegalArgumentException("system property " + name + " must be an integer from " + min + " to " + max
        + ", got '" + v + "'");
  }
}
