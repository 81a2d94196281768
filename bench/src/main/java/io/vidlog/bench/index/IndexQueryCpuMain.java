package io.vidlog.bench.index;

import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.StreamIndex;
import io.vidlog.fragmentstore.index.TimeIndex.Page;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A companion to {@link IndexQueryBenchmark} for a shared, overloaded machine: the same 1,000-entry
 * range queries over 1,000,000 fragments, with each query's wall time and its thread CPU time
 * (ThreadMXBean), so the cost of the query itself can be told apart from time spent descheduled.
 * Run: {@code java -Xmx1g -cp bench/target/benchmarks.jar io.vidlog.bench.index.IndexQueryCpuMain}
 */
public final class IndexQueryCpuMain {
  private IndexQueryCpuMain() {}

  public static void main(String[] args) {
    int n = 1_000_000;
    int queries = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    StreamIndex ix = new StreamIndex(IndexFixture.STREAM.streamId());
    List<FragmentRecord> all = new ArrayList<>(n);
    IndexFixture.fragments(n, r -> {
      ix.append(r);
      all.add(r);
    });
    long[] server = all.stream().mapToLong(FragmentRecord::serverTimestampMillis).toArray();
    long[] producer = all.stream().mapToLong(FragmentRecord::producerTimestampMillis).sorted().toArray();
    all.clear();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (TimestampKind kind : TimestampKind.values()) {
      long[] starts = kind == TimestampKind.SERVER ? server : producer;
      Random rnd = new Random(1);
      long[] wall = new long[queries];
      long[] cpu = new long[queries];
      for (int q = -queries; q < queries; q++) { // the first half warms up
        int i = rnd.nextInt(n - 1_000);
        long c0 = mx.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        Page p = ix.range(kind, starts[i], starts[i + 999], 1_000, null);
        long w1 = System.nanoTime();
        long c1 = mx.getCurrentThreadCpuTime();
        if (p.records().size() != 1_000) {
          throw new IllegalStateException("expected a full page");
        }
        if (q >= 0) {
          wall[q] = w1 - w0;
          cpu[q] = c1 - c0;
        }
      }
      Arrays.sort(wall);
      Arrays.sort(cpu);
      System.out.printf("%s range of 1,000 of %,d fragments, %,d queries: wall p50 %.3f ms p99 %.3f ms p99.9 %.3f ms;"
          + " thread CPU p50 %.3f ms p99 %.3f ms%n", kind, n, queries, ms(wall, 0.50), ms(wall, 0.99), ms(wall, 0.999),
          ms(cpu, 0.50), ms(cpu, 0.99));
    }
    System.out.println("machine: " + IndexFixture.machine() + "; load average "
        + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static double ms(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e6;
  }
}
