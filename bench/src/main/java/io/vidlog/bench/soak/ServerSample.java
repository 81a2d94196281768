package io.vidlog.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the server process holds at one moment, from outside it: heap in use, direct buffers and
 * live threads from its {@code /metrics} (Micrometer's JVM gauges: {@code jvm_memory_used_bytes},
 * {@code jvm_buffer_memory_used_bytes{id="direct"}}), open file descriptors (entries of
 * {@code /proc/PID/fd}) and resident memory ({@code VmRSS} of {@code /proc/PID/status}); and, when
 * asked, heap after a full GC: {@code jcmd PID GC.run} (a full stop-the-world collection in G1), then the after-figure of that collection ({@code Pause Full (Diagnostic Command)}) in the server's GC log
 * ({@code -Xlog:gc}).
 *
 * @param heapAfterGcMb -1 when no GC was forced for this sample
 */
record ServerSample(long heapUsedMb, long heapAfterGcMb, long directMb, long directBuffers, long threads, long fds,
    long rssMb) {
  private static final Pattern FULL_GC = Pattern.compile("Pause Full \\([^)]*\\) (\\d+)M->(\\d+)M");

  static ServerSample take(ShippedServer server, String metrics, boolean forceGc) throws Exception {
    long heapAfterGc = forceGc ? heapAfterFullGc(server) : -1;
    double heap = 0;
    double direct = 0;
    double directCount = 0;
    double threads = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        heap += value(line);
      } else if (line.startsWith("jvm_buffer_memory_used_bytes{") && line.contains("id=\"direct\"")) {
        direct = value(line);
      } else if (line.startsWith("jvm_buffer_count_buffers{") && line.contains("id=\"direct\"")) {
        directCount = value(line);
      } else if (line.startsWith("jvm_threads_live_threads")) {
        threads = value(line);
      }
    }
    long pid = server.pid();
    long fds;
    try (var s = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      fds = s.count();
    }
    long rssKb = 0;
    for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (l.startsWith("VmRSS:")) {
        rssKb = Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    return new ServerSample((long) heap >> 20, heapAfterGc, (long) direct >> 20, (long) directCount, (long) threads,
        fds, rssKb >> 10);
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** Forces a full GC in the server and reads the heap it left from the GC log (MB). */
  static long heapAfterFullGc(ShippedServer server) throws IOException, InterruptedException {
    Path log = server.dir.resolve("gc.log");
    long before = count(log);
    Process jcmd = new ProcessBuilder("jcmd", String.valueOf(server.pid()), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
      jcmd.destroyForcibly();
      return -1;
    }
    // the GC log is written as the collection ends, before jcmd returns
    long after = -1;
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    for (int i = (int) Math.min(before, lines.size()); i < lines.size(); i++) {
      Matcher m = FULL_GC.matcher(lines.get(i));
      if (m.find()) {
        after = Long.parseLong(m.group(2));
      }
    }
    return after;
  }

  private static long count(Path log) throws IOException {
    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return lines.count();
    }
  }
}
