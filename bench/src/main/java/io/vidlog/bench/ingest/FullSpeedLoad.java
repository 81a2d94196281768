package io.vidlog.bench.ingest;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vidlog.bench.store.FsPutLoad;
import io.vidlog.ingest.IngestApi;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One producer at full speed over TLS: MB/s persisted (PERSISTED acks), then a plain TLS upload of
 * the same bytes into the server's discard endpoint, and their ratio. Needs the in-JVM server (it
 * reads the discard counter); then the durable write rate of the disk under the server's data dir
 * for objects of a fragment's size, and the persisted rate's ratio to it.
 */
final class FullSpeedLoad {
  private static final int FRAMES = 25;
  private static final int FRAME_BYTES = 80 * 1024;
  private static final long FRAGMENT_BYTES = (long) FRAMES * (FRAME_BYTES + 12);
  /** Puts at once when the disk's durable rate is measured: 32 at once wrote only about 6 % more here than 8. */
  private static final int DISK_IN_FLIGHT = 8;
  /** Each path runs this long unmeasured first ({@code -Dbench.warmUpSeconds}, as for the camera load). */
  private static final long WARM_UP_SECONDS = Long.getLong("bench.warmUpSeconds", 20);

  private final Vertx vertx;
  private final HttpClient client;
  private final IngestServer server;
  /** Cluster timecodes go on rising across the uploads of the stream. */
  private final AtomicLong timecode = new AtomicLong();

  FullSpeedLoad(Vertx vertx, HttpClient client, IngestServer server) {
    this.vertx = vertx;
    this.client = client;
    this.server = server;
  }

  void run(int seconds) throws Exception {
    // Both paths run once unmeasured first: measured cold, the first path paid for the JIT's work
    // (C2 took about a third of the process's CPU then), and the ratio came out against it.
    System.out.printf("warming up both paths, %d s each%n", WARM_UP_SECONDS);
    measure(false, (int) WARM_UP_SECONDS);
    measure(true, (int) WARM_UP_SECONDS);
    double putMbs = measure(false, seconds);
    double discardMbs = measure(true, seconds);
    System.out.printf("ratio putMedia/discard: %.2f%n", putMbs / discardMbs);
    System.out.println(server.store().sample());
    // Every persisted byte is written and fsynced once: the disk's own durable rate for objects of
    // a fragment's size bounds the persisted rate, whatever the CPU does (on tmpfs it does not).
    double diskMbs = FsPutLoad.durableMbs(vertx, server.dir(), (int) FRAGMENT_BYTES, DISK_IN_FLIGHT, seconds);
    System.out.printf("disk under the data dir: %.1f MB/s durable (%d-byte puts, %d at once); "
        + "ratio putMedia/disk: %.2f%n", diskMbs, FRAGMENT_BYTES, DISK_IN_FLIGHT, putMbs / diskMbs);
  }

  /** One upload at full speed for {@code seconds}, to the discard endpoint or persisted; its MB/s. */
  private double measure(boolean discard, int seconds) throws Exception {
    Buffer payload = BenchMkv.payload(FRAME_BYTES, 1);
    Upload.Target target = new Upload.Target("127.0.0.1", server.port());
    Upload p = IngestServer.await(Upload.open(vertx, client, target, discard ? "/discard" : IngestApi.PATH,
        "full-speed"));
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    long discardedBefore = server.discarded.sum();
    p.request.write(BenchMkv.HEADER);
    p.context.runOnContext(v -> fullSpeed(p, payload, timecode, end));
    while (System.nanoTime() < end + TimeUnit.SECONDS.toNanos(2)) {
      Thread.sleep(200);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    if (discard) {
      double mbs = (server.discarded.sum() - discardedBefore) / 1e6 / seconds;
      System.out.printf("discard endpoint over TLS: %.1f MB/s%n", mbs);
      return mbs;
    }
    double mbs = p.persisted.sum() * FRAGMENT_BYTES / 1e6 / seconds;
    System.out.printf("putMedia over TLS: %d fragments PERSISTED (%d errors), %.1f MB/s persisted (%.1f s)%n",
        p.persisted.sum(), p.errors.sum(), mbs, secs);
    return mbs;
  }

  /** Writes one fragment per turn of the event loop, waiting for drain when the socket is full. */
  private void fullSpeed(Upload p, Buffer payload, AtomicLong timecode, long end) {
    HttpClientRequest req = p.request;
    if (System.nanoTime() > end) {
      req.end();
      return;
    }
    long tc = timecode.getAndAdd(1000);
    req.write(BenchMkv.clusterStart(tc));
    for (int i = 0; i < FRAMES; i++) {
      req.write(BenchMkv.frame(i * 40, i == 0, payload));
    }
    req.write(BenchMkv.END_OF_FRAGMENT);
    if (req.writeQueueFull()) {
      req.drainHandler(v -> fullSpeed(p, payload, timecode, end));
    } else {
      p.context.runOnContext(v -> fullSpeed(p, payload, timecode, end));
    }
  }
}
