package io.vidlog.bench.codec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Output bytes and the benchmark thread's CPU time spent making them, printed per iteration: on
 * this shared machine a rate per CPU second says more than one per wall second.
 */
@State(Scope.Thread)
public class ThreadCpuOutput {
  private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
  private long bytes;
  private long cpuNanos;
  private long started;

  /** Before the measured work of one invocation. */
  void start() {
    started = mx.getCurrentThreadCpuTime();
  }

  /** After it, with the bytes it made. */
  void stop(long madeBytes) {
    cpuNanos += mx.getCurrentThreadCpuTime() - started;
    bytes += madeBytes;
  }

  @TearDown(Level.Iteration)
  public void report() {
    System.out.printf("  [output per thread-CPU second: %.0f MB/s over %.2f CPU s; load average %.2f]%n",
        bytes / (cpuNanos / 1e9) / 1e6, cpuNanos / 1e9,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    bytes = 0;
    cpuNanos = 0;
  }
}
