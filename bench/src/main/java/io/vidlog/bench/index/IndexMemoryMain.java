package io.vidlog.bench.index;

import io.vidlog.fragmentstore.index.StreamIndex;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap retained by the index of 1,000,000 fragments: used heap after full GCs with and without the
 * index (MemoryMXBean), and the size of its arrays by arithmetic. Target: at most 100 bytes per
 * fragment. Run: {@code java -Xmx1g -cp bench/target/benchmarks.jar io.vidlog.bench.index.IndexMemoryMain}
 */
public final class IndexMemoryMain {
  private IndexMemoryMain() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(mx);
    StreamIndex ix = new StreamIndex(IndexFixture.STREAM.streamId());
    long t0 = System.nanoTime();
    IndexFixture.fragments(n, ix::append);
    long appendMillis = (System.nanoTime() - t0) / 1_000_000;
    long after = usedAfterGc(mx);
    double measured = (after - before) / (double) n;
    double arithmetic = ix.retainedBytes() / (double) n;
    System.out.printf("index of %,d fragments: %.1f bytes/fragment retained (GC delta), %.1f bytes/fragment "
        + "(array arithmetic); %,d appends in %d ms%n", ix.size(), measured, arithmetic, n, appendMillis);
    System.out.println("machine: " + IndexFixture.machine());
    if (ix.size() != n) {
      throw new IllegalStateException("index lost fragments");
    }
  }

  private static long usedAfterGc(MemoryMXBean mx) {
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return mx.getHeapMemoryUsage().getUsed();
  }
}
