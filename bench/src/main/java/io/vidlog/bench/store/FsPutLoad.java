package io.vidlog.bench.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.object.FsObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for the fs backend: durable 1 MB puts per second (temp file, fsync, rename,
 * grouped directory fsync), with a given number of puts in flight, as ingest produces them (many
 * streams committing fragments at once). Target: ≥ 500 durable 1 MB puts/s.
 *
 * <p>Run (after {@code mvn -B -q -o -pl bench -am package -DskipTests}):
 * {@code java -cp bench/target/benchmarks.jar io.vidlog.bench.store.FsPutLoad [dir] [puts] [inFlight] [sizeBytes] [put|putFile]}
 */
public final class FsPutLoad {
  private FsPutLoad() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/fs-put-load");
    int puts = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int size = args.length > 3 ? Integer.parseInt(args[3]) : 1024 * 1024;
    boolean useFile = args.length > 4 && args[4].equals("putFile");
    Files.createDirectories(dir);
    Path root = Files.createTempDirectory(dir, "run");
    Path spool = Files.createDirectories(root.resolve("spool"));
    Vertx vertx = Vertx.vertx();
    FsObjectStore store = new FsObjectStore(vertx, root.resolve("objects"), Math.max(16, inFlight));
    byte[] data = new byte[size];
    new SecureRandom().nextBytes(data);
    Buffer buffer = Buffer.buffer(data);

    // warm-up: 5 % of the puts, not measured
    run(vertx, store, buffer, spool, useFile, Math.max(20, puts / 20), inFlight, "warm/");
    long t0 = System.nanoTime();
    run(vertx, store, buffer, spool, useFile, puts, inFlight, "streams/bench/chunks/");
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("fs %s: %d durable puts of %d bytes, %d in flight: %.2f s, %.0f puts/s, %.0f MB/s%n",
        useFile ? "putFile" : "put", puts, size, inFlight, seconds, puts / seconds, puts * (double) size / 1e6 / seconds);
    System.out.printf("machine: %d cores, Java %s, %s %s; data dir %s on %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.version"),
        root.toAbsolutePath(), Files.getFileStore(root));
    store.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static void run(Vertx vertx, FsObjectStore store, Buffer data, Path spool, boolean useFile, int puts,
      int inFlight, String prefix) throws Exception {
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    AtomicLong failures = new AtomicLong();
    vertx.runOnContext(v -> {
      for (int i = 0; i < Math.min(inFlight, puts); i++) {
        startOne(vertx, store, data, spool, useFile, puts, prefix, next, completed, failures, done);
      }
    });
    done.future().toCompletionStage().toCompletableFuture().get();
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " puts failed");
    }
  }

  private static void startOne(Vertx vertx, FsObjectStore store, Buffer data, Path spool, boolean useFile, int puts,
      String prefix, AtomicInteger next, AtomicInteger completed, AtomicLong failures, Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= puts) {
      return;
    }
    String key = prefix + String.format("%020d", i);
    Future<Void> put;
    if (useFile) {
      Path f = spool.resolve(i + ".spool");
      put = vertx.fileSystem().writeFile(f.toString(), data).compose(v -> store.putFile(key, f));
    } else {
      put = store.put(key, data);
    }
    put.onComplete(ar -> {
      if (ar.failed()) {
        failures.incrementAndGet();
      }
      if (completed.incrementAndGet() == puts) {
        done.complete();
      } else {
        startOne(vertx, store, data, spool, useFile, puts, prefix, next, completed, failures, done);
      }
    });
  }
}
