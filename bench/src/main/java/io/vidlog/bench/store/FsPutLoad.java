package io.vidlog.bench.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.object.FsObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
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

  /**
   * The durable write rate of the file system under {@code dir} for objects of {@code size} bytes, as
   * the put path stores fragments: a spool file written, then {@link FsObjectStore#putFile} (fsync,
   * rename, directory fsync), {@code inFlight} at once, for {@code seconds}; in MB/s. Keys are reused
   * in a small cycle (a rename replaces the old object), so the run holds at most a few objects per
   * put in flight on disk whatever its length.
   */
  public static double durableMbs(Vertx vertx, Path dir, int size, int inFlight, int seconds) throws Exception {
    Path root = Files.createTempDirectory(dir, "ceiling");
    Path spool = Files.createDirectories(root.resolve("spool"));
    FsObjectStore store = new FsObjectStore(vertx, root.resolve("objects"), Math.max(16, inFlight));
    byte[] data = new byte[size];
    new SecureRandom().nextBytes(data);
    Buffer buffer = Buffer.buffer(data);
    AtomicLong done = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Promise<Void> finished = Promise.promise();
    AtomicInteger running = new AtomicInteger(inFlight);
    long start = System.nanoTime();
    vertx.runOnContext(v -> {
      for (int i = 0; i < inFlight; i++) {
        timedPut(vertx, store, buffer, spool, i, 0, end, done, failures, running, finished);
      }
    });
    finished.future().toCompletionStage().toCompletableFuture().get();
    double mbs = done.get() * (double) size / 1e6 / ((System.nanoTime() - start) / 1e9);
    store.close();
    try (var walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " puts failed");
    }
    return mbs;
  }

  /** Slot {@code slot} of {@link #durableMbs}: puts one object after another until {@code end}. */
  private static void timedPut(Vertx vertx, FsObjectStore store, Buffer data, Path spool, int slot, int iteration,
      long end, AtomicLong done, AtomicLong failures, AtomicInteger running, Promise<Void> finished) {
    if (System.nanoTime() > end) {
      if (running.decrementAndGet() == 0) {
        finished.complete();
      }
      return;
    }
    // the slot's spool file is renamed away by each put, so its name is free again for the next
    Path f = spool.resolve(slot + ".spool");
    vertx.fileSystem().writeFile(f.toString(), data)
        .compose(v -> store.putFile(String.format("ceiling/%04d-%d", slot, iteration % 4), f))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            done.incrementAndGet();
          } else {
            failures.incrementAndGet();
          }
          timedPut(vertx, store, data, spool, slot, iteration + 1, end, done, failures, running, finished);
        });
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
