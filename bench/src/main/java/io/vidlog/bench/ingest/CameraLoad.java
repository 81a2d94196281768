package io.vidlog.bench.ingest;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vidlog.ingest.IngestApi;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * COUNT camera-like producers at 4 Mbit/s with 2 s fragments (10 frames/s of 50 kB, a key frame
 * opening each fragment, an end-of-fragment tag closing it). Frames are due by the wall clock; a
 * camera writes only while its connection's write queue has room (as a producer SDK does: its
 * buffer fills, it does not grow the socket's), so a server that pushes back or a generator short
 * of CPU shows up as an achieved rate below 4 Mbit/s, not as memory growing in the generator.
 *
 * <p>The test holds when, over the measured window: p99 from a fragment's last byte to its
 * PERSISTED ack is at most 1 s, no ERROR ack or connection failure, no fragment left without its
 * PERSISTED ack, every producer achieved at least 99% of 4 Mbit/s, and heap after GC is flat on
 * both sides (the last third of the samples no higher than the first third + 10% + 16 MB).
 */
final class CameraLoad {
  private static final PacedCamera.Profile PROFILE = PacedCamera.Profile.FOUR_MBIT;
  private static final int FRAME_MILLIS = PROFILE.frameMillis();
  static final double TARGET_BYTES_PER_SECOND = PROFILE.bytesPerSecond(); // 4 Mbit/s of frames
  /** Before measuring; the JIT must settle on both sides first ({@code -Dbench.warmUpSeconds}). */
  private static final long WARM_UP_SECONDS = Long.getLong("bench.warmUpSeconds", 20);
  private static final int CONNECT_BATCH = 50;
  private static final long CATCH_UP_SECONDS = 60;
  private static final long P99_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Vertx vertx;
  private final HttpClient client;
  private final Upload.Target target;
  private final IngestServer local;
  private final Buffer payload = BenchMkv.payload(PROFILE.frameBytes(), 2);
  private final MemoryProbe probe = new MemoryProbe();
  private final List<PacedCamera> cameras = new ArrayList<>();

  /** {@code local} is the in-JVM server of the one-JVM mode, or null when the server runs elsewhere. */
  CameraLoad(Vertx vertx, HttpClient client, Upload.Target target, IngestServer local) {
    this.vertx = vertx;
    this.client = client;
    this.target = target;
    this.local = local;
  }

  void run(int count, int seconds) throws Exception {
    double loadAtStart = loadAverage();
    if (local == null) {
      waitForServer();
    }
    List<Upload> uploads = new ArrayList<>();
    for (int i = 0; i < count; i += CONNECT_BATCH) {
      // TLS handshakes in batches: one at a time takes minutes on a busy 2-core box.
      List<io.vertx.core.Future<Upload>> batch = new ArrayList<>();
      for (int j = i; j < Math.min(count, i + CONNECT_BATCH); j++) {
        batch.add(Upload.open(vertx, client, target, IngestApi.PATH, "camera-" + j));
      }
      IngestServer.await(io.vertx.core.Future.all(batch));
      batch.forEach(f -> uploads.add(f.result()));
    }
    long base = System.nanoTime();
    for (int i = 0; i < count; i++) {
      // Starts spread over one fragment, so fragments do not all end in the same instant.
      long startNanos = base + TimeUnit.MILLISECONDS.toNanos(1 + (long) i * 2000 / count);
      PacedCamera c = new PacedCamera(uploads.get(i), startNanos, PROFILE, payload);
      cameras.add(c);
      c.start(vertx);
    }
    System.out.printf("%d producers connected to %s:%d; warming up %d s, then measuring %d s%n", count,
        target.host(), target.port(), WARM_UP_SECONDS, seconds);
    Thread.sleep(TimeUnit.SECONDS.toMillis(WARM_UP_SECONDS));
    // The start (handshakes, cold JIT on both sides) leaves a backlog; measure the steady state, from
    // when every camera has caught up, but give up waiting after CATCH_UP_SECONDS.
    long catchUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(CATCH_UP_SECONDS);
    long behind;
    while ((behind = cameras.stream().mapToLong(PacedCamera::backlogNow).max().orElse(0)) > 2
        && System.nanoTime() < catchUpEnd) {
      Thread.sleep(500);
    }
    System.out.printf("measuring from now (largest backlog %d frames)%n", behind);
    long from = System.nanoTime();
    cameras.forEach(c -> {
      c.upload.measureFrom(from);
      c.maxBacklogFrames = 0;
    });
    long[] bytesAtStart = cameras.stream().mapToLong(c -> c.payloadBytes.get()).toArray();
    long persistedAtStart = persisted();
    List<Long> clientHeap = new ArrayList<>();
    List<Long> serverHeap = new ArrayList<>();
    long end = from + TimeUnit.SECONDS.toNanos(seconds);
    for (int t = 10; System.nanoTime() < end; t += 10) {
      Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      long elapsed = System.nanoTime() - from;
      long bytes = cameras.stream().mapToLong(c -> c.payloadBytes.get()).sum() - sum(bytesAtStart);
      long backlog = cameras.stream().mapToLong(c -> c.maxBacklogFrames).max().orElse(0);
      long outbound = cameras.stream().mapToLong(c -> c.upload.pendingOutboundBytes()).sum();
      MemoryProbe.Sample mine = probe.sample();
      clientHeap.add(mine.heapMb());
      System.out.printf("t=%ds persisted=%d errors=%d rate=%.1f%% of target, max backlog %d frames, "
          + "generator outbound buffers %d MB%n", t, persisted() - persistedAtStart, errors(),
          100.0 * bytes / (count * TARGET_BYTES_PER_SECOND * elapsed / 1e9), backlog, outbound >> 20);
      if (local != null) {
        System.out.println("  one JVM (server and generator): " + mine);
      } else {
        System.out.println("  generator: " + mine);
        MemoryProbe.Sample server = serverSample();
        System.out.println("  server:    " + (server == null ? "no sample yet" : server));
        if (server != null) {
          serverHeap.add(server.heapMb());
        }
      }
    }
    long measuredNanos = System.nanoTime() - from;
    long[] achieved = new long[count];
    for (int i = 0; i < count; i++) {
      achieved[i] = cameras.get(i).payloadBytes.get() - bytesAtStart[i];
    }
    long stopped = System.nanoTime();
    cameras.forEach(c -> c.stop(vertx));
    Thread.sleep(2_000); // the last fragments' acks
    report(count, seconds, measuredNanos, achieved, persistedAtStart, stopped, clientHeap, serverHeap, loadAtStart);
  }

  private void report(int count, int seconds, long measuredNanos, long[] achieved, long persistedAtStart,
      long stopped, List<Long> clientHeap, List<Long> serverHeap, double loadAtStart) {
    List<Long> lat = new ArrayList<>();
    cameras.forEach(c -> lat.addAll(c.upload.latencies()));
    long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
    long unacked = cameras.stream().mapToLong(c -> c.upload.unacked(stopped - P99_LIMIT_NANOS)).sum();
    long errors = errors();
    long persisted = persisted() - persistedAtStart;
    System.out.printf("%d producers × 4 Mbit/s, 2 s fragments, %d s measured: %d fragments PERSISTED (%.1f/s, "
        + "expected %.1f/s), %d errors, %d fragments without PERSISTED after > 1 s%n", count, seconds, persisted,
        persisted / (double) seconds, count / 2.0, errors, unacked);
    cameras.stream().map(c -> c.upload.firstError()).filter(e -> e != null).findFirst()
        .ifPresent(e -> System.out.println("first error: " + e));
    double p99 = Double.NaN;
    if (sorted.length > 0) {
      p99 = pct(sorted, 0.99);
      long over = java.util.Arrays.stream(sorted).filter(n -> n > P99_LIMIT_NANOS).count();
      System.out.printf("last byte → PERSISTED: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d, %d over 1 s)%n",
          pct(sorted, 0.50), pct(sorted, 0.90), p99, sorted[sorted.length - 1] / 1e6, sorted.length, over);
    }
    double[] rates = new double[count];
    for (int i = 0; i < count; i++) {
      rates[i] = achieved[i] / (measuredNanos / 1e9) / TARGET_BYTES_PER_SECOND;
    }
    java.util.Arrays.sort(rates);
    long below = java.util.Arrays.stream(rates).filter(r -> r < 0.99).count();
    long maxBacklog = cameras.stream().mapToLong(c -> c.maxBacklogFrames).max().orElse(0);
    System.out.printf("achieved upload rate per producer (of 4 Mbit/s): min %.1f%%, p1 %.1f%%, median %.1f%%; "
        + "%d producers below 99%%; largest backlog %d frames (%d ms)%n", 100 * rates[0],
        100 * rates[(int) Math.floor(0.01 * (count - 1))], 100 * rates[count / 2], below, maxBacklog,
        maxBacklog * FRAME_MILLIS);
    boolean clientFlat = flat(clientHeap);
    boolean serverFlat = local != null || flat(serverHeap);
    System.out.println((local != null ? "heap (one JVM)" : "generator heap") + " every 10 s (MB): " + clientHeap
        + (clientFlat ? " flat" : " GROWING"));
    if (local == null) {
      System.out.println("server heap every 10 s (MB): " + serverHeap + (serverFlat ? " flat" : " GROWING"));
    }
    boolean holds = sorted.length > 0 && p99 <= P99_LIMIT_NANOS / 1e6 && errors == 0 && unacked == 0 && below == 0
        && clientFlat && serverFlat;
    System.out.printf("load average: %.2f at start, %.2f at end%n", loadAtStart, loadAverage());
    System.out.printf("RESULT %d producers: %s%n", count, holds ? "HOLDS" : "DOES NOT HOLD");
  }

  /** The last third of the samples is no higher than the first third + 10% + 16 MB (or too few samples). */
  static boolean flat(List<Long> heap) {
    if (heap.size() < 3) {
      return true;
    }
    int third = heap.size() / 3;
    long early = heap.subList(0, third).stream().mapToLong(Long::longValue).max().orElse(0);
    long late = heap.subList(heap.size() - third, heap.size()).stream().mapToLong(Long::longValue).min().orElse(0);
    return late <= early * 1.1 + 16;
  }

  /** The server in the other JVM may still be starting: retry for up to a minute. */
  private void waitForServer() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        IngestServer.await(client.request(HttpMethod.GET, target.port(), target.host(), IngestServer.MEMORY_PATH)
            .compose(req -> req.send()).compose(resp -> resp.body()));
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  private MemoryProbe.Sample serverSample() {
    try {
      Buffer body = client.request(HttpMethod.GET, target.port(), target.host(), IngestServer.MEMORY_PATH)
          .compose(req -> req.send()).compose(resp -> resp.body())
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      JsonObject j = body.toJsonObject();
      return j.containsKey("heapMb") ? MemoryProbe.Sample.fromJson(j) : null;
    } catch (Exception e) {
      System.out.println("  server sample failed: " + e);
      return null;
    }
  }

  private long persisted() {
    return cameras.stream().mapToLong(c -> c.upload.persisted.sum()).sum();
  }

  private long errors() {
    return cameras.stream().mapToLong(c -> c.upload.errors.sum()).sum();
  }

  private static long sum(long[] a) {
    return java.util.Arrays.stream(a).sum();
  }

  private static double pct(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
