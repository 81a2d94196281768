package io.vidlog.media;

import java.lang.management.ManagementFactory;

/**
 * Bytes the current thread allocated on the heap (HotSpot's per-thread counter), to bound what
 * reading an input costs whoever does the allocating: our buffers or a library's. A size that
 * input merely declares must never show up here.
 */
public final class AllocationMeter {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private AllocationMeter() {}

  /** Bytes allocated by the current thread so far. */
  public static long allocated() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  /**
   * Runs {@code work} and fails if the current thread allocated more than {@code bound} bytes on
   * the way (checked after it returns, so an allocation that succeeds is caught on any heap size).
   * Loading classes allocates too (and more when Jazzer instruments them as they load), so an
   * overrun is measured once more: only {@code work} that overruns twice fails. {@code work} must
   * do the same each time.
   */
  public static void assertAllocatesAtMost(long bound, String what, Runnable work) {
    long spent = measure(work);
    if (spent > bound) {
      spent = measure(work);
      if (spent > bound) {
        throw new AssertionError(what + " allocated " + spent + " bytes, more than " + bound);
      }
    }
  }

  private static long measure(Runnable work) {
    long before = allocated();
    work.run();
    return allocated() - before;
  }
}
