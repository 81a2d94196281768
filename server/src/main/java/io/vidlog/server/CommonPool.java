package io.vidlog.server;

import java.util.OptionalInt;

/**
 * Sizes the JDK's common fork-join pool before anything uses it. On a machine of two cores or
 * fewer the JDK gives that pool a parallelism of one, and {@code CompletableFuture}'s async methods
 * without an executor then start a new thread for every task instead of using a pool. Two libraries
 * the server runs rely on it: MinIO's client reads each upload's first part in
 * {@code supplyAsync} (one thread per chunk stored on the s3 backend) and Hazelcast completes its
 * async futures on it. Their tasks are short (a part read from memory or a local file, a callback),
 * so a pool of two threads serves them; a thread started and ended per task costs about 0.25 ms of
 * CPU on such a machine (docs/cluster.md, "Measured").
 */
final class CommonPool {
  static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  /** The smallest parallelism at which {@code CompletableFuture} uses the common pool at all. */
  static final int POOLED = 2;

  private CommonPool() {}

  /**
   * The parallelism to configure, or empty to leave the JDK's choice: when the operator set one, or
   * when the JDK's default ({@code cores - 1}) already pools.
   */
  static OptionalInt parallelismFor(int cores, String configured) {
    if (configured != null || cores - 1 >= POOLED) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(POOLED);
  }

  /** Must run before the first use of {@code ForkJoinPool.commonPool()}: the pool reads it once. */
  static void configure() {
    parallelismFor(Runtime.getRuntime().availableProcessors(), System.getProperty(PROPERTY))
        .ifPresent(p -> System.setProperty(PROPERTY, Integer.toString(p)));
  }
}
