package io.vidlog.bench.ingest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.Router;
import io.vidlog.bench.BenchRoutes;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.live.MemoryLiveFeeds;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.ingest.IngestApi;
import io.vidlog.ingest.IngestConfig;
import io.vidlog.server.tls.TlsSetup;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server side of the ingest load test: {@link IngestApi} over TLS on loopback, storing into the
 * real sealed chunk archive over the fs object store in {@code dir} (the stream registry and time
 * index are {@link BenchStreams}), plus {@code POST /discard} (a TLS upload that drops the bytes,
 * the baseline of the throughput test) and {@code GET /bench/memory} (this JVM's latest
 * {@link MemoryProbe} sample, so a generator in another JVM can print both sides). Stored fragments
 * are deleted again {@code -Dbench.keepSeconds} (default 20) s after their append, as a retention
 * sweeper would: 500 cameras write 250 MB/s, which would fill this box's disk within minutes (and a
 * data dir on tmpfs, {@code -Djava.io.tmpdir=/dev/shm}, holds them in memory: keep them briefly).
 */
final class IngestServer {
  static final String MEMORY_PATH = "/bench/memory";
  static final long KEEP_SECONDS = Long.getLong("bench.keepSeconds", 20);
  /** Server instances (event loops), as the real server: one per core. */
  static final int INSTANCES = Runtime.getRuntime().availableProcessors();
  /**
   * The TLS engine the real server picks ({@link TlsSetup#bestEngine}: OpenSSL when it loads), or
   * the JDK's with {@code -Dbench.tls=jdk}. The engines differ in how Netty keeps a partly received
   * TLS record (JDK: the read buffers themselves, OpenSSL: a copy), which shows in direct memory.
   */
  static final TlsSetup.Engine ENGINE = "jdk".equals(System.getProperty("bench.tls")) ? TlsSetup.Engine.JDK
      : TlsSetup.bestEngine();

  /**
   * The live window is kept small here (10 s or 16 MB per stream): the default (5 min or 200 MB per
   * stream, as KVS keeps for retention 0) would hold 75 MB per 4 Mbit/s camera and measure the
   * feed's window, not ingest.
   */
  private static final LiveFeedConfig LIVE_WINDOW = new LiveFeedConfig(10_000L, 16L << 20, 10_000, 32L << 20);

  final Vertx vertx = Vertx.vertx();
  final LongAdder discarded = new LongAdder();
  final BenchStreams streams = new BenchStreams();
  private final MemoryProbe probe = new MemoryProbe();
  private volatile MemoryProbe.Sample last;
  private volatile StoreProbe storeProbe;
  private int port;
  private Path dir;

  private IngestServer() {}

  /** Starts on {@code port} (0: any free port) of 127.0.0.1. */
  static IngestServer start(Path dir, int port) throws Exception {
    IngestServer s = new IngestServer();
    s.listen(dir, port);
    return s;
  }

  private void listen(Path dir, int port) throws Exception {
    this.dir = dir;
    FsObjectStore store = new FsObjectStore(vertx, dir.resolve("objects"));
    Crypto crypto = await(Crypto.open(vertx, store, dir.resolve("keys")));
    await(crypto.warmUp()); // as the real server does: cold AES-GCM runs at ~0.05 GB/s (docs/dependencies.md §Pitfalls, "AES-GCM")
    SealedFragmentArchive archive = await(SealedFragmentArchive.open(vertx, store, crypto, dir.resolve("spool")));
    FragmentNumbers numbers = new FragmentNumbers(1); // a fresh data dir: no index floor to raise
    IngestApi api = new IngestApi(vertx, streams, archive, streams, new MemoryLiveFeeds(vertx, LIVE_WINDOW),
        stream -> Future.succeededFuture(numbers), config());
    storeProbe = new StoreProbe(store, archive);
    vertx.setPeriodic(1_000, id -> sweep(archive));
    Router router = Router.router(vertx);
    BenchRoutes.mount(router, api);
    router.post("/discard").handler(ctx -> {
      ctx.request().handler(b -> discarded.add(b.length()));
      ctx.request().endHandler(v -> ctx.response().end());
      ctx.request().resume();
    });
    router.get(MEMORY_PATH).handler(ctx -> {
      MemoryProbe.Sample s = last;
      ctx.response().putHeader("Content-Type", "application/json")
          .end(s == null ? "{}" : s.toJson().put("appended", streams.appended.sum()).encode());
    });
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    HttpServerOptions options = new HttpServerOptions().setSsl(true).setKeyCertOptions(cert.keyCertOptions())
        .setSslEngineOptions(TlsSetup.engineOptions(ENGINE)).setHost("127.0.0.1")
        .setMaxChunkSize(IngestApi.BODY_PIECE_BYTES)
        .setPort(port == 0 ? freePort() : port);
    // One server instance per core sharing the port, as the real server's Listener does: a single
    // HttpServer handles all its connections on one event loop, i.e. one core.
    await(vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer(options).requestHandler(router).listen();
      }
    }, new DeploymentOptions().setInstances(INSTANCES)));
    this.port = options.getPort();
  }

  /**
   * The server's default ingest config, but {@code -Dbench.maxPendingCommits=N}: how many fragments
   * of one connection may wait for their durable commit before its request is paused.
   */
  private static IngestConfig config() {
    IngestConfig d = IngestConfig.DEFAULT;
    int pending = Integer.getInteger("bench.maxPendingCommits", d.maxPendingCommits());
    return new IngestConfig(d.maxFragmentBytes(), d.maxFragmentDuration(), d.maxConnectionDuration(), d.maxTracks(),
        d.maxMetadataItems(), d.maxMetadataNameBytes(), d.maxMetadataValueBytes(), d.requireEveryTrack(),
        d.idleAckPeriod(), d.idleTimeout(), d.chunkWriteBytes(), pending, d.mp4TargetFragment(), d.mkvLimits(),
        d.maxMp4SpoolBytes(), d.mp4SpoolDir(), d.takeoverSilence(), d.maxPutMediaCallsPerSecond(), d.buffers());
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void sweep(SealedFragmentArchive archive) {
    long cutoff = System.nanoTime() - TimeUnit.SECONDS.toNanos(KEEP_SECONDS);
    for (BenchStreams.Appended a = streams.recent.peek(); a != null && a.nanos() < cutoff; a = streams.recent.peek()) {
      streams.recent.poll();
      archive.delete(a.stream(), a.number());
    }
  }

  int port() {
    return port;
  }

  /** The directory the store writes under. */
  Path dir() {
    return dir;
  }

  /** The store's commits, fsyncs and lent segment arrays since the previous call. */
  StoreProbe store() {
    return storeProbe;
  }

  /** Samples this JVM (blocking: a full GC); {@code GET /bench/memory} answers the latest sample. */
  MemoryProbe.Sample sample() {
    MemoryProbe.Sample s = probe.sample();
    last = s;
    return s;
  }

  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
