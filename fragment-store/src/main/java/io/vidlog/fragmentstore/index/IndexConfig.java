package io.vidlog.fragmentstore.index;

/**
 * Tuning of the durable time index.
 *
 * @param segmentSize fragments per immutable index-segment object
 * @param maxConcurrentLoads streams whose index may be loading at the same time
 * @param readParallelism object reads in flight while one stream's index loads
 */
public record IndexConfig(int segmentSize, int maxConcurrentLoads, int readParallelism) {
  public static final IndexConfig DEFAULT = new IndexConfig(1_000, 4, 16);

  public IndexConfig {
    if (segmentSize < 1 || maxConcurrentLoads < 1 || readParallelism < 1) {
      throw new IllegalArgumentException("index config values must be positive: segmentSize=" + segmentSize
          + " maxConcurrentLoads=" + maxConcurrentLoads + " readParallelism=" + readParallelism);
    }
  }
}
