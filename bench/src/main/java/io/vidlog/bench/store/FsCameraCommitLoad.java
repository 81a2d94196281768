package io.vidlog.bench.store;

import io.vertx.core.Vertx;
import io.vidlog.bench.playback.Latencies;
import io.vidlog.fragmentstore.object.FsObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fs store alone under camera-paced load, as ingest drives it: each of N streams appends a
 * 64 KiB sealed-segment-sized piece to its spool file every 125 ms (4 Mbit/s), hands the file to
 * {@link FsObjectStore#putFile} every 16 pieces (a 2 s, 1 MiB fragment, key
 * {@code streams/<n>/chunks/<number>}: one directory per stream, as the chunk layout has it) and
 * deletes each object 20 s after it was committed (a retention sweep at the ingest rate, as the
 * ingest benchmark's server does). Prints every 10 s the commit latency since the first
 * measured commit (putFile to durable: p50/p90/p99/max), the files and directory fsyncs, and the
 * load average. No TLS, no parsing: what the store and the disk add to last byte → PERSISTED.
 *
 * <pre>
 * java -Xmx1g -cp bench/target/benchmarks.jar io.vidlog.bench.store.FsCameraCommitLoad STREAMS SECONDS DIR [keep]
 *   after a 20 s warm-up; "keep" leaves the objects (no deletes)
 * </pre>
 */
public final class FsCameraCommitLoad {
  private static final int PIECE_BYTES = 64 * 1024 + 32;
  private static final int PIECES_PER_FRAGMENT = 16;
  private static final long PIECE_MILLIS = 125;
  private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final long KEEP_NANOS = TimeUnit.SECONDS.toNanos(20);

  private FsCameraCommitLoad() {}

  private record Committed(long nanos, String key) {}

  public static void main(String[] args) throws Exception {
    int streams = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of(args[2])), "run");
    boolean deletes = !(args.length > 3 && args[3].equals("keep"));
    Path spoolDir = Files.createDirectories(dir.resolve("spool"));
    Vertx vertx = Vertx.vertx();
    FsObjectStore store = new FsObjectStore(vertx, dir.resolve("objects"));
    ScheduledExecutorService writers = Executors.newScheduledThreadPool(4);
    byte[] piece = new byte[PIECE_BYTES];
    new Random(1).nextBytes(piece);
    Latencies latencies = new Latencies();
    ConcurrentLinkedQueue<Committed> committed = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    long measureFrom = start + WARM_UP_NANOS;
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    for (int s = 0; s < streams; s++) {
      Camera camera = new Camera(s, spoolDir, piece, store, latencies, committed, measureFrom, end, deletes);
      // phases spread over one fragment, as cameras that connected at different moments
      writers.scheduleAtFixedRate(camera::tick, PIECE_MILLIS * PIECES_PER_FRAGMENT * s / streams, PIECE_MILLIS,
          TimeUnit.MILLISECONDS);
    }
    if (deletes) {
      vertx.setPeriodic(1_000, id -> {
        long cutoff = System.nanoTime() - KEEP_NANOS;
        for (Committed c = committed.peek(); c != null && c.nanos() < cutoff; c = committed.peek()) {
          committed.poll();
          store.delete(c.key());
        }
      });
    }
    System.out.printf("%d camera-paced streams into %s for %d s after 20 s, retention deletes %s%n", streams, dir,
        seconds, deletes ? "on" : "off");
    FsObjectStore.CommitStats last = store.commitStats();
    while (System.nanoTime() < end + TimeUnit.SECONDS.toNanos(3)) {
      Thread.sleep(10_000);
      FsObjectStore.CommitStats now = store.commitStats();
      System.out.printf("t=%ds (measured) files=%d dirFsyncs=%d latency %s, load avg %s%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), now.files() - last.files(),
          now.dirSyncs() - last.dirSyncs(), latencies.summary(), Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
      last = now;
    }
    writers.shutdownNow();
    store.close();
    vertx.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One stream: its spool file of the open fragment, written on the scheduler's threads. */
  private static final class Camera {
    private final int id;
    private final Path spoolDir;
    private final byte[] piece;
    private final FsObjectStore store;
    private final Latencies latencies;
    private final ConcurrentLinkedQueue<Committed> committed;
    private final long measureFrom;
    private final long end;
    private final boolean deletes;
    private long number;
    private FileChannel spool;
    private Path spoolPath;
    private int pieces;

    Camera(int id, Path spoolDir, byte[] piece, FsObjectStore store, Latencies latencies,
        ConcurrentLinkedQueue<Committed> committed, long measureFrom, long end, boolean deletes) {
      this.id = id;
      this.spoolDir = spoolDir;
      this.piece = piece;
      this.store = store;
      this.latencies = latencies;
      this.committed = committed;
      this.measureFrom = measureFrom;
      this.end = end;
      this.deletes = deletes;
    }

    synchronized void tick() {
      if (System.nanoTime() > end) {
        return;
      }
      try {
        if (spool == null) {
          spoolPath = spoolDir.resolve(id + "." + number + ".spool");
          spool = FileChannel.open(spoolPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          pieces = 0;
        }
        ByteBuffer bb = ByteBuffer.wrap(piece);
        while (bb.hasRemaining()) {
          spool.write(bb);
        }
        if (++pieces == PIECES_PER_FRAGMENT) {
          spool.close();
          spool = null;
          String key = "streams/" + id + "/chunks/" + String.format("%010d", number++);
          long handedOver = System.nanoTime();
          store.putFile(key, spoolPath).onComplete(r -> {
            long durable = System.nanoTime();
            if (r.failed()) {
              System.out.println("commit of " + key + " failed: " + r.cause());
              return;
            }
            if (handedOver >= measureFrom) {
              latencies.add(durable - handedOver);
            }
            if (deletes) {
              committed.add(new Committed(durable, key));
            }
          });
        }
      } catch (IOException e) {
        System.out.println("camera " + id + ": " + e);
      }
    }
  }
}
