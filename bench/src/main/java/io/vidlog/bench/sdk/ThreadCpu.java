package io.vidlog.bench.sdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A process's CPU split by what its threads do, from {@code /proc/PID/task/TID/stat} (each thread's
 * utime + stime and its name as the kernel keeps it, 15 characters): taken at the start and at the
 * end of a window, the difference says where a node's CPU went without a profiler in the way. A
 * thread that ended inside the window is missing from the end snapshot; its CPU shows only in the
 * process's total, so the groups can add up to less than the total.
 */
final class ThreadCpu {
  /** Thread id → its name and its CPU ticks so far. */
  private final Map<String, Sample> threads;

  private record Sample(String name, long ticks) {}

  private ThreadCpu(Map<String, Sample> threads) {
    this.threads = threads;
  }

  static ThreadCpu of(long pid) throws IOException {
    Map<String, Sample> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          // fields 14 and 15 of proc(5)
          threads.put(task.getFileName().toString(), new Sample(name, Long.parseLong(f[11]) + Long.parseLong(f[12])));
        } catch (NoSuchFileException e) {
          // the thread ended while the directory was listed
        }
      }
    }
    return new ThreadCpu(threads);
  }

  /** CPU ticks per group of threads between {@code before} and this snapshot, largest first. */
  Map<String, Long> since(ThreadCpu before) {
    Map<String, Long> groups = new TreeMap<>();
    threads.forEach((tid, now) -> {
      Sample then = before.threads.get(tid);
      long ticks = now.ticks - (then == null ? 0 : then.ticks);
      if (ticks > 0) {
        groups.merge(group(now.name), ticks, Long::sum);
      }
    });
    return groups;
  }

  /**
   * The kind of work a JVM thread does, by its name: Hazelcast's threads are named {@code
   * hz.<instance>.<role>}, Vert.x's {@code vert.x-<pool>-thread-N}, HotSpot's compiler threads
   * {@code C1/C2 CompilerThre}, G1's {@code GC Thread#N}, {@code G1 ...}; others by their name with
   * the numbers taken out.
   */
  static String group(String name) {
    if (name.startsWith("hz.")) {
      return "hazelcast";
    }
    if (name.startsWith("vert.x-eventloo")) {
      return "vert.x event loops";
    }
    if (name.startsWith("vert.x-")) {
      return "vert.x workers";
    }
    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
      return "JIT compiler";
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
      return "GC and VM";
    }
    return name.replaceAll("[0-9]+", "N");
  }
}
