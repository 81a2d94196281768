package io.vidlog.bench.ingest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.Router;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.live.MemoryLiveFeeds;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.ingest.FragmentNumberMinter;
import io.vidlog.ingest.IngestApi;
import io.vidlog.ingest.IngestConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load generator for {@code /putMedia} over TLS, server and producers in one JVM on loopback, the
 * real sealed chunk archive over the fs object store in a temp dir (the time index is a no-op).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.vidlog.bench.ingest.IngestLoad throughput SECONDS
 *   one producer at full speed: MB/s persisted (PERSISTED acks), and a plain TLS upload of the same
 *   bytes into a discard endpoint in the same run, and their ratio
 * java -cp bench/target/benchmarks.jar io.vidlog.bench.ingest.IngestLoad producers COUNT SECONDS
 *   COUNT producers at 4 Mbit/s with 2 s fragments: latency from a fragment's last byte to its
 *   PERSISTED ack (p50/p99/max), errors, heap after GC over time
 * </pre>
 */
public final class IngestLoad {
  private final Vertx serverVertx = Vertx.vertx();
  private final Vertx clientVertx = Vertx.vertx();
  private final LongAdder discarded = new LongAdder();
  private HttpServer server;
  private HttpClient client;

  private IngestLoad() {}

  public static void main(String[] args) throws Exception {
    IngestLoad load = new IngestLoad();
    Path dir = Files.createTempDirectory("vidlog-bench-ingest");
    System.out.printf("machine: %d cores, max heap %d MB, java %s, load avg %.2f, data %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), dir);
    load.start(dir);
    try {
      if (args.length >= 2 && args[0].equals("throughput")) {
        load.throughput(Integer.parseInt(args[1]));
      } else if (args.length >= 3 && args[0].equals("producers")) {
        load.producers(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      } else {
        System.out.println("usage: IngestLoad throughput SECONDS | producers COUNT SECONDS");
      }
    } finally {
      await(load.clientVertx.close());
      await(load.serverVertx.close());
    }
  }

  private void start(Path dir) throws Exception {
    FsObjectStore store = new FsObjectStore(serverVertx, dir.resolve("objects"));
    Crypto crypto = await(Crypto.open(serverVertx, store, dir.resolve("keys")));
    SealedFragmentArchive archive = await(SealedFragmentArchive.open(serverVertx, store, crypto, dir.resolve("spool")));
    BenchStreams streams = new BenchStreams();
    IngestApi api = new IngestApi(serverVertx, streams, archive, streams,
        new MemoryLiveFeeds(serverVertx, LiveFeedConfig.DEFAULT), FragmentNumberMinter.of(new FragmentNumbers(1)),
        IngestConfig.DEFAULT);
    Router router = Router.router(serverVertx);
    api.mount(router);
    router.post("/discard").handler(ctx -> {
      ctx.request().handler(b -> discarded.add(b.length()));
      ctx.request().endHandler(v -> ctx.response().end());
      ctx.request().resume();
    });
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    server = await(serverVertx.createHttpServer(new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(cert.keyCertOptions())).requestHandler(router).listen(0, "127.0.0.1"));
    client = clientVertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
        .setVerifyHost(false).setKeepAlive(false), new PoolOptions().setHttp1MaxSize(5000));
  }

  /** One producer's connection: writes pieces, parses acks. */
  private final class Producer {
    final String stream;
    final Map<Long, Long> lastByteNanos = new ConcurrentHashMap<>();
    final LongAdder persisted = new LongAdder();
    final LongAdder errors = new LongAdder();
    final List<Long> latenciesNanos = new ArrayList<>();
    HttpClientRequest request;
    io.vertx.core.Context context;
    private final StringBuilder line = new StringBuilder();

    Producer(String stream) {
      this.stream = stream;
    }

    Future<HttpClientRequest> open(String path) {
      return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
          .setPort(server.actualPort()).setURI(path)).map(req -> {
            request = req;
            context = clientVertx.getOrCreateContext();
            req.setChunked(true).putHeader("x-amzn-stream-name", stream)
                .putHeader("x-amzn-fragment-timecode-type", "RELATIVE");
            req.response().onSuccess(resp -> resp.handler(this::acks)).onFailure(e -> errors.increment());
            req.exceptionHandler(e -> errors.increment());
            return req;
          });
    }

    private void acks(Buffer b) {
      for (int i = 0; i < b.length(); i++) {
        char c = (char) b.getByte(i);
        if (c != '\n') {
          line.append(c);
          continue;
        }
        JsonObject ack = new JsonObject(line.toString());
        line.setLength(0);
        String type = ack.getString("EventType");
        if ("PERSISTED".equals(type)) {
          persisted.increment();
          Long sent = lastByteNanos.remove(ack.getLong("FragmentTimecode"));
          if (sent != null) {
            synchronized (latenciesNanos) {
              latenciesNanos.add(System.nanoTime() - sent);
            }
          }
        } else if ("ERROR".equals(type)) {
          errors.increment();
        }
      }
    }
  }

  // ---- one producer at full speed, and the discard baseline ----

  private static final int FULL_FRAMES = 25;
  private static final int FULL_FRAME_BYTES = 80 * 1024;

  private void throughput(int seconds) throws Exception {
    Buffer payload = BenchMkv.payload(FULL_FRAME_BYTES, 1);
    long fragmentBytes = (long) FULL_FRAMES * (FULL_FRAME_BYTES + 12);
    for (int round = 0; round < 2; round++) {
      boolean discard = round == 1;
      Producer p = new Producer("full-speed");
      await(p.open(discard ? "/discard" : IngestApi.PATH));
      AtomicLong timecode = new AtomicLong();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long start = System.nanoTime();
      long discardedBefore = discarded.sum();
      p.request.write(BenchMkv.HEADER);
      p.context.runOnContext(v -> fullSpeed(p, payload, timecode, end));
      while (System.nanoTime() < end + TimeUnit.SECONDS.toNanos(2)) {
        Thread.sleep(200);
      }
      double secs = (System.nanoTime() - start) / 1e9;
      if (discard) {
        double mbs = (discarded.sum() - discardedBefore) / 1e6 / seconds;
        System.out.printf("discard endpoint over TLS: %.1f MB/s%n", mbs);
        discardMbs = mbs;
      } else {
        double mbs = p.persisted.sum() * fragmentBytes / 1e6 / seconds;
        System.out.printf("putMedia over TLS: %d fragments PERSISTED (%d errors), %.1f MB/s persisted (%.1f s)%n",
            p.persisted.sum(), p.errors.sum(), mbs, secs);
        putMbs = mbs;
      }
    }
    System.out.printf("ratio putMedia/discard: %.2f%n", putMbs / discardMbs);
  }

  private double putMbs;
  private double discardMbs;

  /** Writes one fragment per turn of the event loop, waiting for drain when the socket is full. */
  private void fullSpeed(Producer p, Buffer payload, AtomicLong timecode, long end) {
    HttpClientRequest req = p.request;
    if (System.nanoTime() > end) {
      req.end();
      return;
    }
    long tc = timecode.getAndAdd(1000);
    req.write(BenchMkv.clusterStart(tc));
    for (int i = 0; i < FULL_FRAMES; i++) {
      req.write(BenchMkv.frame(i * 40, i == 0, payload));
    }
    req.write(BenchMkv.END_OF_FRAGMENT);
    if (req.writeQueueFull()) {
      req.drainHandler(v -> fullSpeed(p, payload, timecode, end));
    } else {
      p.context.runOnContext(v -> fullSpeed(p, payload, timecode, end));
    }
  }

  // ---- many camera-like producers ----

  private static final int CAMERA_FRAME_BYTES = 50_000; // 10 frames/s × 50 kB = 4 Mbit/s
  private static final int CAMERA_FRAMES_PER_FRAGMENT = 20; // 2 s

  private void producers(int count, int seconds) throws Exception {
    Buffer payload = BenchMkv.payload(CAMERA_FRAME_BYTES, 2);
    List<Producer> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Producer p = new Producer("camera-" + i);
      all.add(p);
      await(p.open(IngestApi.PATH));
      p.request.write(BenchMkv.HEADER);
      int[] frame = {0};
      long[] tc = {0};
      p.context.runOnContext(v0 -> clientVertx.setTimer(1 + (p.hashCode() & 0x7FF), t -> clientVertx.setPeriodic(100, id -> {
        HttpClientRequest req = p.request;
        if (frame[0] == 0) {
          req.write(BenchMkv.clusterStart(tc[0]));
        }
        req.write(BenchMkv.frame(frame[0] * 100, frame[0] == 0, payload));
        if (++frame[0] == CAMERA_FRAMES_PER_FRAGMENT) {
          req.write(BenchMkv.END_OF_FRAGMENT);
          p.lastByteNanos.put(tc[0], System.nanoTime());
          tc[0] += CAMERA_FRAMES_PER_FRAGMENT * 100L;
          frame[0] = 0;
        }
      })));
    }
    List<Long> heap = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      Thread.sleep(10_000);
      System.gc();
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
      heap.add(used);
      long persisted = all.stream().mapToLong(p -> p.persisted.sum()).sum();
      long errors = all.stream().mapToLong(p -> p.errors.sum()).sum();
      System.out.printf("t=%ds persisted=%d errors=%d heapAfterGc=%d MB%n", heap.size() * 10, persisted, errors, used);
    }
    List<Long> lat = new ArrayList<>();
    long errors = 0;
    long persisted = 0;
    for (Producer p : all) {
      synchronized (p.latenciesNanos) {
        lat.addAll(p.latenciesNanos);
      }
      errors += p.errors.sum();
      persisted += p.persisted.sum();
    }
    long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf("%d producers × 4 Mbit/s, 2 s fragments, %d s: %d fragments PERSISTED, %d errors%n",
        count, seconds, persisted, errors);
    if (sorted.length > 0) {
      System.out.printf("last byte → PERSISTED: p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)%n",
          pct(sorted, 0.50), pct(sorted, 0.99), sorted[sorted.length - 1] / 1e6, sorted.length);
    }
    System.out.println("heap after GC every 10 s (MB): " + heap);
    System.out.println("CPU load avg: " + Arrays.toString(new double[] {
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()}));
  }

  private static double pct(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
