package io.vidlog.bench.soak;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vidlog.bench.ingest.BenchMkv;
import io.vidlog.bench.ingest.PacedCamera;
import io.vidlog.bench.ingest.Upload;
import io.vidlog.server.keys.AdminCredentials;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run against the shipped server (see {@link SoakLoad} for the command lines): camera-paced
 * producers on every stream for the whole run, and, in the phases that have them, GetMedia readers
 * of each {@link LiveReader.Kind} and the archive loops. Every {@code sampleSeconds} it writes a row
 * of the time series ({@code series.csv} in the run's directory) and prints it: PERSISTED latency
 * of the window, errors so far, the archive calls, readers cut off, and the server's memory, threads
 * and file descriptors ({@link ServerSample}). At the end it checks what each reader received
 * ({@link ReaderCheck}) and returns everything as a {@link SoakResult}.
 */
final class SoakRun {
  private static final String CSV_HEADER = "seconds,phase,persisted,p50_ms,p99_ms,max_ms,producer_errors,"
      + "reader_problems,archive_errors,lists,archive_reads,list_p99_ms,read_p99_ms,hostile_cut_offs,heap_used_mb,"
      + "heap_after_gc_mb,direct_mb,direct_buffers,threads,fds,rss_mb,load_avg";

  private final SoakConfig cfg;
  private final PrintStream out;
  private final LatencyWindow window = new LatencyWindow();
  private volatile LatencyWindow phaseWindow = new LatencyWindow();
  private final List<Upload> uploads = new ArrayList<>();
  private final List<PacedCamera> cameras = new ArrayList<>();
  private final List<LiveReader> readers = new ArrayList<>();
  private final Map<String, long[]> phaseLatencies = new LinkedHashMap<>();
  private final Map<String, PersistHistogram> phaseServerPersist = new LinkedHashMap<>();
  private final List<SoakResult.Row> rows = new ArrayList<>();
  private ArchiveLoop archive;
  private int notCutOff;

  SoakRun(SoakConfig cfg, PrintStream out) {
    this.cfg = cfg;
    this.out = out;
  }

  SoakResult run() throws Exception {
    Files.createDirectories(cfg.dir());
    int connections = cfg.cameras() + 2 * cfg.readerCount() + 2 * cfg.archiveLoops() + 64;
    try (ShippedServer server = ShippedServer.start(cfg.jar(), cfg.dir().resolve("server"), cfg.heapMb(), connections)) {
      Vertx vertx = Vertx.vertx();
      try {
        return run(server, vertx);
      } finally {
        await(vertx.close());
      }
    }
  }

  private SoakResult run(ShippedServer server, Vertx vertx) throws Exception {
    AdminCredentials admin = server.admin();
    SignedClient client = new SignedClient(vertx, server.url(), admin.region(), admin.accessKeyId(),
        admin.secretAccessKey(), 0);
    // Stopped and slow readers keep a small receive buffer, so what they do not read backs up in the
    // server rather than in this machine's socket buffers (a slow device has little memory).
    SignedClient hostile = new SignedClient(vertx, server.url(), admin.region(), admin.accessKeyId(),
        admin.secretAccessKey(), 64 * 1024);
    long baselineMb = ServerSample.heapAfterFullGc(server);
    out.printf("server pid %d at %s (PutMedia %s), -Xmx%dm, heap after GC before any stream: %d MB%n", server.pid(),
        server.url(), server.ingestUrl(), cfg.heapMb(), baselineMb);
    List<String> streams = createStreams(client);
    startCameras(vertx, client, server, streams);
    out.printf("%d cameras at %.0f kbit/s streaming; warming up %d s%n", cfg.cameras(),
        cfg.profile().bytesPerSecond() * 8 / 1000, cfg.warmUpSeconds());
    Thread.sleep(TimeUnit.SECONDS.toMillis(cfg.warmUpSeconds()));
    long from = System.nanoTime();
    uploads.forEach(u -> u.measureFrom(from));
    window.drain();
    archive = new ArchiveLoop(client, streams, cfg.profile().framesPerFragment());
    try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(cfg.dir().resolve("series.csv")))) {
      csv.println(CSV_HEADER);
      long lastGc = System.nanoTime() - TimeUnit.SECONDS.toNanos(cfg.gcEverySeconds());
      for (SoakConfig.Phase phase : cfg.phases()) {
        phaseWindow = new LatencyWindow();
        PersistHistogram persistAtStart = persistHistogram(client);
        if (phase.readers()) {
          startReaders(client, hostile, streams);
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(phase.seconds());
        long sentAtStart = sent();
        while (System.nanoTime() < end || sent() - sentAtStart < phase.untilBytes()) {
          Thread.sleep(Math.min(TimeUnit.SECONDS.toMillis(cfg.sampleSeconds()),
              Math.max(1000, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
          boolean gc = System.nanoTime() - lastGc >= TimeUnit.SECONDS.toNanos(cfg.gcEverySeconds());
          if (gc) {
            lastGc = System.nanoTime();
          }
          row(csv, server, client, phase, (System.nanoTime() - from) / 1e9, gc);
        }
        if (phase.readers()) {
          finishReaders();
        }
        phaseLatencies.put(phase.name(), phaseWindow.drain());
        phaseServerPersist.put(phase.name(), persistHistogram(client).since(persistAtStart));
      }
    }
    cameras.forEach(c -> c.stop(vertx));
    long stopped = System.nanoTime();
    // the last fragments' acks: every fragment whose last byte left must be acked PERSISTED
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (unacked(stopped) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    SoakResult result = new SoakResult(cfg, baselineMb, rows, phaseLatencies, phaseServerPersist, unacked(stopped),
        uploads.stream().mapToLong(Upload::errors).sum(), firstProducerError(), checks(), notCutOff,
        archive.lists.sum(), archive.reads.sum(), archive.fragmentsRead.sum(), archive.errors.sum(), archive.firstError,
        server.logLines("cut off as a slow consumer"), loadAverage());
    uploads.forEach(Upload::close);
    return result;
  }

  private List<String> createStreams(SignedClient client) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < cfg.cameras(); i += 50) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int j = i; j < Math.min(cfg.cameras(), i + 50); j++) {
        String name = "cam-" + j;
        names.add(name);
        JsonObject create = new JsonObject().put("StreamName", name).put("DataRetentionInHours", 1)
            .put("MediaType", "video/h264");
        // once more after a connection lost on a busy machine (a stream made by the first try answers 400)
        batch.add(client.call("/createStream", create).recover(e -> client.call("/describeStream",
            new JsonObject().put("StreamName", name)).recover(e2 -> client.call("/createStream", create))));
      }
      await(Future.all(batch));
    }
    return names;
  }

  private void startCameras(Vertx vertx, SignedClient client, ShippedServer server, List<String> streams)
      throws Exception {
    Upload.Target target = new Upload.Target(server.ingestUrl().getHost(), server.ingestUrl().getPort());
    for (int i = 0; i < streams.size(); i += 50) {
      // TLS handshakes in batches: all at once time out on a busy 2-core machine
      List<Future<Upload>> batch = new ArrayList<>();
      for (int j = i; j < Math.min(streams.size(), i + 50); j++) {
        String name = streams.get(j);
        batch.add(Upload.open(vertx, client.http, target, "/putMedia", name,
            client.putMediaHeaders(server.ingestUrl(), name)));
      }
      await(Future.all(batch));
      batch.forEach(f -> {
        uploads.add(f.result());
        f.result().sendStreamHeader();
      });
    }
    Buffer payload = BenchMkv.payload(cfg.profile().frameBytes(), 2);
    long base = System.nanoTime();
    for (int i = 0; i < uploads.size(); i++) {
      Upload u = uploads.get(i);
      u.latencySink((stream, nanos) -> {
        window.add(nanos);
        phaseWindow.add(nanos);
      });
      // starts spread over one fragment, so fragments do not all end in the same instant
      PacedCamera c = new PacedCamera(u, base + TimeUnit.MILLISECONDS.toNanos(1 + i * cfg.profile().fragmentMillis()
          / uploads.size()), cfg.profile(), payload);
      cameras.add(c);
      c.start(vertx);
    }
  }

  private void startReaders(SignedClient client, SignedClient hostile, List<String> streams) {
    readers.clear();
    for (int i = 0; i < cfg.readerCount(); i++) {
      LiveReader.Kind kind = cfg.kindOf(i);
      boolean slowOrStopped = kind == LiveReader.Kind.STOPPED || kind == LiveReader.Kind.SLOW;
      LiveReader r = new LiveReader(kind, streams.get(i % streams.size()), slowOrStopped ? hostile : client,
          cfg.stoppedReadMillis(), cfg.stoppedStopMillis());
      readers.add(r);
      r.start();
    }
    if (cfg.archiveLoops() > 0) {
      archive.start(cfg.archiveLoops());
    }
  }

  /**
   * Readers stop reconnecting and read what is left at full speed. A stopped or slow reader's
   * response that the server cut off then ends; one still open after 30 s was not cut off.
   */
  private void finishReaders() throws InterruptedException {
    archive.stop();
    Map<String, Integer> acked = new LinkedHashMap<>();
    uploads.forEach(u -> acked.put(u.stream(), u.persistedNumbers().size()));
    readers.forEach(r -> r.ackedAtFinish = acked.get(r.stream));
    for (LiveReader r : readers) {
      r.release();
      if (r.kind == LiveReader.Kind.NORMAL || r.kind == LiveReader.Kind.RECONNECTING) {
        r.close();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (readers.stream().anyMatch(LiveReader::open) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    for (LiveReader r : readers) {
      if (r.open()) {
        notCutOff++;
        out.printf("  not cut off: %s reader of %s, %d responses, %d fragments, %d bytes%n", r.kind, r.stream,
            r.responses, r.fragments.size(), r.bytes.sum());
        r.close();
      }
    }
  }

  private void row(PrintWriter csv, ShippedServer server, SignedClient client, SoakConfig.Phase phase, double seconds,
      boolean gc) throws Exception {
    long[] lat = window.drain();
    ServerSample s;
    try {
      s = ServerSample.take(server, client.metrics().toCompletionStage().toCompletableFuture().get(30,
          TimeUnit.SECONDS), gc);
    } catch (Exception e) {
      out.println("  server sample failed: " + e);
      s = new ServerSample(-1, -1, -1, -1, -1, -1, -1);
    }
    long readerProblems = readers.stream().mapToLong(r -> r.errorChunks + r.refused
        + (r.kind == LiveReader.Kind.NORMAL ? r.resets : 0)).sum();
    long cutOffs = readers.stream().filter(r -> r.kind == LiveReader.Kind.STOPPED || r.kind == LiveReader.Kind.SLOW)
        .mapToLong(r -> r.ends + r.resets).sum();
    SoakResult.Row row = new SoakResult.Row(seconds, phase.name(), lat.length, LatencyWindow.quantileMs(lat, 0.5),
        LatencyWindow.quantileMs(lat, 0.99), LatencyWindow.quantileMs(lat, 1.0),
        uploads.stream().mapToLong(Upload::errors).sum(), readerProblems, archive.errors.sum(), archive.lists.sum(),
        archive.reads.sum(), LatencyWindow.quantileMs(archive.listLatency.drain(), 0.99),
        LatencyWindow.quantileMs(archive.readLatency.drain(), 0.99), cutOffs, s, loadAverage());
    rows.add(row);
    csv.println(row.csv());
    csv.flush();
    out.println(row);
  }

  private static PersistHistogram persistHistogram(SignedClient client) throws Exception {
    return PersistHistogram.parse(client.metrics().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
  }

  private long sent() {
    return cameras.stream().mapToLong(PacedCamera::payloadBytes).sum();
  }

  private long unacked(long stoppedNanos) {
    return uploads.stream().mapToLong(u -> u.unacked(stoppedNanos)).sum();
  }

  private String firstProducerError() {
    return uploads.stream().map(Upload::firstError).filter(e -> e != null).findFirst().orElse(null);
  }

  private List<SoakResult.ReaderResult> checks() {
    Map<String, Upload> byStream = new LinkedHashMap<>();
    uploads.forEach(u -> byStream.put(u.stream(), u));
    List<SoakResult.ReaderResult> out = new ArrayList<>();
    for (LiveReader r : readers) {
      ReaderCheck check = ReaderCheck.of(r.fragments, r.frameCounts, byStream.get(r.stream).persistedNumbers(),
          r.ackedAtFinish, cfg.profile().framesPerFragment());
      out.add(new SoakResult.ReaderResult(r.kind, r.stream, check, r.responses, r.ends, r.resets, r.errorChunks,
          r.refused, r.bytes.sum(), r.firstProblem));
    }
    return out;
  }

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
