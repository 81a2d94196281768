package io.vidlog.bench.ingest;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Load generator for {@code /putMedia} over TLS on loopback, against {@link IngestServer} (the real
 * sealed chunk archive over the fs object store in a temp dir, deleted at exit; the time index is a
 * no-op). The server and the producers run in separate JVMs, so each side's heap, direct memory and
 * CPU are seen on their own, or, for a quick look, in one JVM.
 *
 * <pre>
 * java -Xmx2g -cp bench/target/benchmarks.jar io.vidlog.bench.ingest.IngestLoad serve PORT [SECONDS]
 *   the server alone on 127.0.0.1:PORT (for SECONDS, or until killed); prints its memory and CPU
 *   every 10 s
 * java -Xmx1g -cp bench/target/benchmarks.jar io.vidlog.bench.ingest.IngestLoad producers COUNT SECONDS \
 *     --target https://127.0.0.1:PORT
 *   COUNT producers at 4 Mbit/s with 2 s fragments against that server: every 10 s both sides'
 *   memory, then latency from a fragment's last byte to its PERSISTED ack (p50/p99/max), errors,
 *   fragments never acked, the achieved upload rate per producer against 4 Mbit/s, heap after GC on
 *   both sides, and whether the run holds (p99 &le; 1 s, no errors, every producer &ge; 99% of the
 *   rate, heap flat)
 * java -Xmx2g -cp bench/target/benchmarks.jar io.vidlog.bench.ingest.IngestLoad producers COUNT SECONDS
 *   the same with the server in this JVM
 * java -Xmx2g -cp bench/target/benchmarks.jar io.vidlog.bench.ingest.IngestLoad throughput SECONDS
 *   one producer at full speed: MB/s persisted (PERSISTED acks), and a plain TLS upload of the same
 *   bytes into a discard endpoint in the same run, and their ratio (server in this JVM); then the
 *   durable write rate of the data dir's disk for fragment-sized objects, which bounds the persisted
 *   rate (with {@code -Djava.io.tmpdir=/dev/shm -Dbench.keepSeconds=4} the store is on tmpfs, where
 *   fsync costs nothing: what remains is the CPU's share)
 * </pre>
 *
 * The server is set up as the real one: one HTTP server instance per core, the TLS engine the real
 * server picks (OpenSSL when it loads; {@code -Dbench.tls=jdk} for the JDK's) and AES-GCM warmed up
 * before it listens; stored fragments are deleted 20 s after their append so the disk does not fill.
 * {@code -Dbench.warmUpSeconds=N} (default 20) is how long producers run before measuring (in
 * {@code throughput}, each path, persisted and discard, runs that long first);
 * {@code -Dbench.maxPendingCommits=N} lets each connection have N fragments waiting for their durable
 * commit (the server's default otherwise); {@code -Dbench.forceGc=false} reports heap in use instead
 * of heap after a full GC every 10 s (the forced GC's pause lands in the latencies). Profile either side with
 * {@code -XX:StartFlightRecording=duration=60s,filename=/tmp/side.jfr}.
 */
public final class IngestLoad {
  private static final String USAGE = "usage: IngestLoad serve PORT [SECONDS] | producers COUNT SECONDS "
      + "[--target https://HOST:PORT] | throughput SECONDS";

  /** The server of this JVM, closed by the shutdown hook before its data dir is deleted. */
  private static volatile IngestServer running;

  private IngestLoad() {}

  public static void main(String[] args) throws Exception {
    System.out.printf("machine: %d cores, max heap %d MB, %s, java %s, load avg %.2f%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, MemoryProbe.describe(),
        System.getProperty("java.version"), CameraLoad.loadAverage());
    String mode = args.length > 0 ? args[0] : "";
    if (mode.equals("serve") && args.length >= 2) {
      serve(Integer.parseInt(args[1]), args.length >= 3 ? Integer.parseInt(args[2]) : Integer.MAX_VALUE);
    } else if (mode.equals("producers") && args.length == 5 && args[3].equals("--target")) {
      Vertx vertx = Vertx.vertx();
      try {
        new CameraLoad(vertx, client(vertx), Upload.Target.parse(args[4]), null)
            .run(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      } finally {
        IngestServer.await(vertx.close());
      }
    } else if (mode.equals("producers") && args.length == 3) {
      withLocalServer((vertx, server) -> new CameraLoad(vertx, client(vertx),
          new Upload.Target("127.0.0.1", server.port()), server).run(Integer.parseInt(args[1]), Integer.parseInt(args[2])));
    } else if (mode.equals("throughput") && args.length == 2) {
      withLocalServer((vertx, server) -> new FullSpeedLoad(vertx, client(vertx), server).run(Integer.parseInt(args[1])));
    } else {
      System.out.println(USAGE);
      System.exit(2);
    }
  }

  private static void serve(int port, int seconds) throws Exception {
    Path dir = dataDir();
    IngestServer server = IngestServer.start(dir, port);
    running = server;
    System.out.printf("serving https://127.0.0.1:%d/putMedia (TLS engine %s), data in %s%n", server.port(),
        IngestServer.ENGINE, dir);
    long start = System.nanoTime();
    long end = seconds == Integer.MAX_VALUE ? Long.MAX_VALUE : start + TimeUnit.SECONDS.toNanos(seconds);
    long lastAppended = 0;
    for (int t = 10; System.nanoTime() < end; t += 10) {
      Thread.sleep(10_000);
      long appended = server.streams.appended.sum();
      MemoryProbe.Sample s = server.sample();
      System.out.printf("server t=%ds persisted=%d (%.1f/s) %s, load avg %.2f%n", t, appended,
          (appended - lastAppended) / 10.0, s, CameraLoad.loadAverage());
      System.out.println("  " + server.store().sample());
      lastAppended = appended;
    }
    server.close();
  }

  private interface Run {
    void run(Vertx clientVertx, IngestServer server) throws Exception;
  }

  private static void withLocalServer(Run run) throws Exception {
    IngestServer server = IngestServer.start(dataDir(), 0);
    running = server;
    Vertx vertx = Vertx.vertx();
    try {
      run.run(vertx, server);
    } finally {
      IngestServer.await(vertx.close());
      server.close();
    }
  }

  private static HttpClient client(Vertx vertx) {
    return vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setKeepAlive(false), new PoolOptions().setHttp1MaxSize(5000));
  }

  /** A temp dir for the server's store, deleted when the JVM exits (SIGTERM or normal end). */
  private static Path dataDir() throws IOException {
    Path dir = Files.createTempDirectory("vidlog-bench-ingest");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      IngestServer server = running;
      if (server != null) {
        try {
          server.close(); // stop the writers before their files go
        } catch (Exception e) {
          System.err.println("closing the server: " + e);
        }
      }
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("could not delete " + dir + ": " + e);
      }
    }));
    return dir;
  }
}
