package io.vidlog.bench.soak;

import io.vidlog.ingest.IngestApi;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Everything a {@link SoakRun} measured: the time series, each phase's PERSISTED latencies (as the
 * producers saw them, and the server's own close → durable share from its histogram), the
 * producers' errors and unacked fragments, each reader's check, the archive loops' counts, and the
 * memory trend; {@link #print} writes the summary.
 */
record SoakResult(SoakConfig config, long baselineHeapMb, List<Row> rows, Map<String, long[]> phaseLatencies,
    Map<String, PersistHistogram> phaseServerPersist, long unacked, long producerErrors, String firstProducerError, List<ReaderResult> readers, int notCutOff,
    long lists, long archiveReads, long fragmentsRead, long archiveErrors, String firstArchiveError,
    long slowConsumerLogLines, double loadAtEnd) {

  /** One sampling window. */
  record Row(double seconds, String phase, int persisted, double p50Ms, double p99Ms, double maxMs, long producerErrors,
      long readerProblems, long archiveErrors, long lists, long archiveReads, double listP99Ms, double readP99Ms,
      long hostileCutOffs, ServerSample server, double loadAverage) {

    String csv() {
      return String.format("%.1f,%s,%d,%.1f,%.1f,%.1f,%d,%d,%d,%d,%d,%.1f,%.1f,%d,%d,%d,%d,%d,%d,%d,%d,%.2f", seconds,
          phase, persisted, p50Ms, p99Ms, maxMs, producerErrors, readerProblems, archiveErrors, lists, archiveReads,
          listP99Ms, readP99Ms, hostileCutOffs, server.heapUsedMb(), server.heapAfterGcMb(), server.directMb(),
          server.directBuffers(), server.threads(), server.fds(), server.rssMb(), loadAverage);
    }

    @Override
    public String toString() {
      return String.format("t=%.0fs [%s] persisted %d, p50 %.0f ms p99 %.0f ms max %.0f ms; errors: producers %d "
          + "readers %d archive %d; lists %d reads %d (p99 %.0f/%.0f ms); hostile cut-offs %d | server heap %d MB"
          + "%s, direct %d MB (%d), threads %d, fds %d, rss %d MB | load %.2f", seconds, phase, persisted, p50Ms, p99Ms,
          maxMs, producerErrors, readerProblems, archiveErrors, lists, archiveReads, listP99Ms, readP99Ms,
          hostileCutOffs, server.heapUsedMb(), server.heapAfterGcMb() < 0 ? "" : " (after GC " + server.heapAfterGcMb()
              + " MB)", server.directMb(), server.directBuffers(), server.threads(), server.fds(), server.rssMb(),
          loadAverage);
    }
  }

  /** What one reader did and received. */
  record ReaderResult(LiveReader.Kind kind, String stream, ReaderCheck check, int responses, int ends, int resets,
      int errorChunks, int refused, long bytes, String firstProblem) {

    boolean cutOff() {
      return ends + resets > 0;
    }
  }

  /**
   * The most heap the server may keep after a full GC: what it held before any stream, plus its
   * memory budgets at the configured heap (docs/architecture.md "Live windows and the memory
   * budget": the live windows' total, a quarter of the heap, 8 MB to 4 GB, exceeded by at most each
   * publishing stream's open fragment; the index cache, an eighth of the heap, 8 MB to 4 GB), plus
   * per connection a body piece in flight ({@link IngestApi#BODY_PIECE_BYTES}) and as much again
   * for its write queue and TLS buffers.
   */
  long heapBoundMb() {
    long heap = (long) config.heapMb() << 20;
    long live = Math.max(8L << 20, Math.min(heap / 4, 4L << 30));
    long index = Math.max(8L << 20, Math.min(heap / 8, 4L << 30));
    long openFragments = (long) config.cameras() * config.profile().frameBytes() * config.profile().framesPerFragment();
    long connections = (long) (config.cameras() + config.readerCount() + config.archiveLoops())
        * 2 * IngestApi.BODY_PIECE_BYTES;
    return baselineHeapMb + ((live + index + openFragments + connections) >> 20);
  }

  long maxHeapAfterGcMb() {
    return rows.stream().mapToLong(r -> r.server().heapAfterGcMb()).max().orElse(-1);
  }

  List<ReaderResult> readers(LiveReader.Kind kind) {
    return readers.stream().filter(r -> r.kind() == kind).toList();
  }

  /** The trend of one server figure over the run (samples where it is known). */
  Trend trend(ToDoubleFunction<ServerSample> figure, double absoluteTolerance, double relativeTolerance) {
    List<Trend.Point> points = new ArrayList<>();
    for (Row r : rows) {
      double v = figure.applyAsDouble(r.server());
      if (v >= 0) {
        points.add(new Trend.Point(r.seconds(), v));
      }
    }
    return Trend.of(points, edgeSeconds(), absoluteTolerance, relativeTolerance);
  }

  /** 5 minutes, or a third of a shorter run. */
  double edgeSeconds() {
    double length = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).seconds();
    return Math.min(300, length / 3);
  }

  /** PERSISTED p99 over the first and over the last {@link #edgeSeconds()} (windows' latencies pooled by p99 of rows). */
  double[] p99FirstLast() {
    double edge = edgeSeconds();
    double end = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).seconds();
    return new double[] {maxP99(0, edge), maxP99(end - edge, end)};
  }

  private double maxP99(double from, double to) {
    List<Double> p = rows.stream().filter(r -> r.seconds() >= from && r.seconds() <= to && !Double.isNaN(r.p99Ms()))
        .map(Row::p99Ms).sorted().toList();
    return p.isEmpty() ? Double.NaN : p.get(p.size() / 2); // the median window's p99
  }

  void print(PrintStream out) {
    out.println("---- summary ----");
    out.printf("%d cameras at %.0f kbit/s (%d B frames every %d ms, %d-frame fragments); readers normal/stopped/slow/"
        + "reconnecting %d/%d/%d/%d; %d archive loops; server -Xmx%dm%n", config.cameras(),
        config.profile().bytesPerSecond() * 8 / 1000, config.profile().frameBytes(), config.profile().frameMillis(),
        config.profile().framesPerFragment(), config.readers()[0], config.readers()[1], config.readers()[2],
        config.readers()[3], config.archiveLoops(), config.heapMb());
    phaseLatencies.forEach((phase, lat) -> out.printf("PERSISTED latency [%s]: n=%d p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
        + " max %.1f ms%n", phase, lat.length, LatencyWindow.quantileMs(lat, 0.5), LatencyWindow.quantileMs(lat, 0.9),
        LatencyWindow.quantileMs(lat, 0.99), LatencyWindow.quantileMs(lat, 1.0)));
    phaseServerPersist.forEach((phase, h) -> out.printf("  of which the server's close → durable [%s]: n=%d p50 ≤ %.1f"
        + " ms, p90 ≤ %.1f ms, p99 ≤ %.1f ms (bucket bounds of vidlog_ingest_persist_seconds)%n", phase, h.count(),
        h.quantileUpperMs(0.5), h.quantileUpperMs(0.9), h.quantileUpperMs(0.99)));
    out.printf("producers: %d errors%s, %d fragments never acked PERSISTED%n", producerErrors,
        firstProducerError == null ? "" : " (first: " + firstProducerError + ")", unacked);
    for (LiveReader.Kind k : LiveReader.Kind.values()) {
      List<ReaderResult> rs = readers(k);
      if (rs.isEmpty()) {
        continue;
      }
      out.printf("readers %s ×%d: fragments received whole %d, intact %d/%d (gaps %d, unacked %d, short %d), "
          + "max behind at the end %d, responses %d, cut off (ended %d, reset %d) %d/%d, error chunks %d, refused %d"
          + "%s%n", k, rs.size(), rs.stream().mapToInt(r -> r.check().received()).sum(),
          rs.stream().filter(r -> r.check().intact()).count(), rs.size(), rs.stream().mapToInt(r -> r.check().gaps()).sum(),
          rs.stream().mapToInt(r -> r.check().unacked()).sum(), rs.stream().mapToInt(r -> r.check().shortFragments()).sum(),
          rs.stream().mapToInt(r -> r.check().behind()).max().orElse(0), rs.stream().mapToInt(ReaderResult::responses).sum(),
          rs.stream().mapToInt(ReaderResult::ends).sum(), rs.stream().mapToInt(ReaderResult::resets).sum(),
          rs.stream().filter(ReaderResult::cutOff).count(), rs.size(), rs.stream().mapToInt(ReaderResult::errorChunks).sum(),
          rs.stream().mapToInt(ReaderResult::refused).sum(), rs.stream().map(ReaderResult::firstProblem)
              .filter(p -> p != null).findFirst().map(p -> "; first problem: " + p).orElse(""));
    }
    out.printf("stopped/slow readers still streaming 30 s after they read at full speed again (not cut off): %d; "
        + "server log lines 'cut off as a slow consumer': %d%n", notCutOff, slowConsumerLogLines);
    out.printf("archive: %d ListFragments, %d GetMediaForFragmentList (%d fragments), %d errors%s%n", lists,
        archiveReads, fragmentsRead, archiveErrors, firstArchiveError == null ? "" : " (first: " + firstArchiveError + ")");
    out.printf("server heap after full GC: %d MB before any stream, at most %d MB during the run; bound from the "
        + "budgets %d MB: %s%n", baselineHeapMb, maxHeapAfterGcMb(), heapBoundMb(),
        maxHeapAfterGcMb() <= heapBoundMb() ? "WITHIN" : "EXCEEDED");
    out.printf("trend over the run (first/last window %.0f s):%n", edgeSeconds());
    out.println("  heap after GC: " + trend(s -> s.heapAfterGcMb(), 16, 0.05).describe("MB"));
    out.println("  direct memory: " + trend(s -> s.directMb(), 8, 0.10).describe("MB"));
    out.println("  open fds:      " + trend(s -> s.fds(), 10, 0.05).describe("fds"));
    out.println("  threads:       " + trend(s -> s.threads(), 4, 0.05).describe("threads"));
    out.println("  rss:           " + trend(s -> s.rssMb(), 64, 0.10).describe("MB"));
    double[] p99 = p99FirstLast();
    out.printf("  PERSISTED p99 (median window): first %.0f ms, last %.0f ms: %s%n", p99[0], p99[1],
        p99[1] <= p99[0] * 1.5 + 50 ? "STABLE" : "ROSE");
    out.printf("load average at the end: %.2f%n", loadAtEnd);
  }
}
