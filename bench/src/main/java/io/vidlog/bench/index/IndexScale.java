package io.vidlog.bench.index;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.Sealers;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.index.SegmentCache;
import io.vidlog.fragmentstore.index.TimeIndex.Page;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamStatus;
import io.vidlog.kvs.StreamRules;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The time index at scale: an fs store holding {@code STREAMS × FRAGMENTS_PER_STREAM} indexed
 * fragments (by default 1,000 × 1,000,000 = 10⁹), then a fresh index over it as a restarted server
 * has it, and 1,000-fragment range queries at random times over random streams. Prints one line:
 * <pre>
 * fragments=N resident_bytes_per_fragment=x warm_query_p99_ms=y cold_query_p99_ms=z startup_ms=s
 * </pre>
 * and the details (per kind, cache, disk, machine) on standard error.
 *
 * <p>The store is made by appending every fragment's record to a real {@link ObjectStoreTimeIndex}
 * over the fs store, which writes its sealed segments and summaries as ingest's appends make it do
 * (only the chunks are left out: ingesting 10⁹ fragments of media is not what is measured). A
 * store directory that already holds a stream keeps it (a manifest lists the finished streams), so
 * the store is made once and measured many times.
 *
 * <ul>
 *   <li>{@code startup_ms}: opening the store, keys and index and loading every stream's resident
 *       summary, which is what a restarted server does when each stream is first queried;</li>
 *   <li>{@code resident_bytes_per_fragment}: heap retained by the index after that (used heap
 *       after full collections, minus before), per indexed fragment; the segment cache is empty;</li>
 *   <li>{@code cold_query_p99_ms}: queries whose segments are not in the index's cache and are read
 *       from the fs store (with {@code -Dindexscale.dropCaches=true}, run as root on Linux, the
 *       kernel's page cache is dropped first, so they come from the disk);</li>
 *   <li>{@code warm_query_p99_ms}: the latest of those queries again, as many as the cache holds
 *       the segments of, so their segments are cached.</li>
 * </ul>
 * Half the queries are by server time, half by producer time.
 *
 * <p>Run: {@code java -Xmx2g -cp bench/target/benchmarks.jar io.vidlog.bench.index.IndexScale
 * [STREAMS] [FRAGMENTS_PER_STREAM] [STORE_DIR]}
 */
public final class IndexScale {
  static final long T0 = 1_700_000_000_000L;
  static final int RANGE = 1_000;
  private static final String MANIFEST = "index-scale-streams.txt";

  private IndexScale() {}

  public static void main(String[] args) throws Exception {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int perStream = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    Path dir = Path.of(args.length > 2 ? args[2] : "index-scale-data");
    int queries = Integer.getInteger("indexscale.queries", 2_000);
    int writers = Integer.getInteger("indexscale.writers", 16);
    if (perStream < RANGE + 1) {
      throw new IllegalArgumentException("FRAGMENTS_PER_STREAM must exceed " + RANGE);
    }
    Files.createDirectories(dir);
    Vertx vertx = Vertx.vertx();
    try {
      long genMillis = generate(vertx, dir, streams, perStream, writers);
      measure(vertx, dir, streams, perStream, queries, genMillis);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------------------ the data

  static StreamInfo stream(int s) {
    String id = String.format("%020x", 0x5ca1e000000L + s);
    return new StreamInfo("scale-" + s, "arn:aws:kinesisvideo:us-east-1:000000000000:stream/scale-" + s + "/1", id,
        StreamStatus.ACTIVE, null, "video/h264", "alias/aws/kinesisvideo", StreamRules.MAX_RETENTION_HOURS, "v", 1,
        Map.of());
  }

  private static long mix(long s, long i) {
    long z = s * 0x9E3779B97F4A7C15L + i * 0xC2B2AE3D27D4EB4FL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Server time: 2 s apart with a few ms of jitter, so it grows with the number. */
  static long server(int s, long i) {
    return T0 + i * 2_000 + (mix(s, i) & 3);
  }

  /**
   * Producer time as cameras send it: the server time minus the stream's clock offset, with a
   * little jitter, 5 % repeats of the previous start, and every 50,000 fragments a run of 200
   * uploaded after an outage, an hour behind.
   */
  static long producer(int s, long i) {
    long offset = 1_500 + s * 7L;
    long base = server(s, i) - offset;
    long m = mix(s, i) >>> 8;
    if (i % 50_000 >= 25_000 && i % 50_000 < 25_200) {
      return base - 3_600_000;
    }
    if (m % 20 == 0) {
      return base - 2_000;
    }
    return base + (m % 5) - 2;
  }

  static FragmentRecord record(int s, long i) {
    long m = mix(i, s);
    long server = server(s, i);
    return new FragmentRecord(FragmentNumbers.encode(new FragmentNumbers.Parts(server, 1, (int) (i % 1_000))), server,
        producer(s, i), 2_000 + (m & 3), 300_000 + (m >>> 40) % 400_000, 3, i % 10 == 0);
  }

  // ------------------------------------------------------------------------------ making the store

  private static Sealers sealers(Crypto crypto) {
    return scope -> crypto.keys(scope).map(k -> k);
  }

  /** Appends the missing streams' fragments through a real index, which writes their segments. */
  private static long generate(Vertx vertx, Path dir, int streams, int perStream, int writers) throws Exception {
    Path manifest = dir.resolve(MANIFEST);
    Set<String> done = new HashSet<>();
    if (Files.exists(manifest)) {
      done.addAll(Files.readAllLines(manifest, StandardCharsets.UTF_8));
    }
    List<Integer> todo = new ArrayList<>();
    for (int s = 0; s < streams; s++) {
      if (!done.contains(s + " " + perStream)) {
        todo.add(s);
      }
    }
    if (todo.isEmpty()) {
      System.err.printf("store %s already holds %,d streams x %,d fragments%n", dir, streams, perStream);
      return -1;
    }
    System.err.printf("writing %,d streams x %,d fragments into %s (%d writers)...%n", todo.size(), perStream, dir,
        writers);
    FsObjectStore store = new FsObjectStore(vertx, dir.resolve("objects"));
    Crypto crypto = await(Crypto.open(vertx, store, dir.resolve("keys")));
    await(crypto.warmUp());
    SealedFragmentArchive archive = await(SealedFragmentArchive.open(vertx, store, crypto, dir.resolve("spool")));
    // the server's segment size; no cache: what was written is not read back here
    ObjectStoreTimeIndex writer = new ObjectStoreTimeIndex(store, sealers(crypto), archive,
        IndexConfig.DEFAULT.withCacheBytes(0));
    long t0 = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Thread t = new Thread(() -> {
        try {
          for (int k = next.getAndIncrement(); k < todo.size(); k = next.getAndIncrement()) {
            int s = todo.get(k);
            StreamInfo info = stream(s);
            deleteStream(dir, info); // a stream left half-written by an interrupted run starts over
            for (long i = 0; i < perStream; i++) {
              Future<Void> appended = writer.append(info, record(s, i));
              if (!appended.succeeded()) {
                await(appended); // the first append waits for the stream's index to load
              }
              if ((i + 1) % IndexConfig.DEFAULT.segmentSize() == 0) {
                await(writer.flush(info, false)); // keeps the writers in step with the store
              }
            }
            await(writer.flush(info, true));
            writer.forget(info.streamId());
            synchronized (failures) {
              Files.writeString(manifest, s + " " + perStream + "\n", StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            int f = finished.incrementAndGet();
            if (f % 10 == 0 || f == todo.size()) {
              long el = (System.nanoTime() - t0) / 1_000_000;
              System.err.printf("  %,d/%,d streams in %,d s (%,.0f fragments/s)%n", f, todo.size(), el / 1000,
                  f * (double) perStream * 1000 / Math.max(1, el));
            }
          }
        } catch (Throwable e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      }, "index-scale-writer-" + w);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    store.close();
    if (!failures.isEmpty()) {
      throw new IllegalStateException("writing the store failed", failures.get(0));
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.err.printf("wrote %,d fragments in %,d s%n", (long) todo.size() * perStream, ms / 1000);
    return ms;
  }

  private static void deleteStream(Path dir, StreamInfo info) throws IOException {
    Path p = dir.resolve("objects").resolve("streams").resolve(info.streamId()).resolve("index");
    if (Files.exists(p)) {
      try (Stream<Path> files = Files.walk(p)) {
        for (Path f : files.sorted((a, b) -> b.compareTo(a)).toList()) {
          Files.delete(f);
        }
      }
    }
    Files.deleteIfExists(p.resolveSibling("index-summary"));
  }

  // ------------------------------------------------------------------------------ measuring

  /** One query: a stream, a kind and a window that holds about 1,000 fragments. */
  private record Query(int stream, TimestampKind kind, long from, long to) {}

  private static void measure(Vertx vertx, Path dir, int streams, int perStream, int queries, long genMillis)
      throws Exception {
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    long baseline = usedAfterGc(mx);
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    FsObjectStore store = new FsObjectStore(vertx, dir.resolve("objects")); // its temp-file sweep runs beside
    Crypto crypto = await(Crypto.open(vertx, store, dir.resolve("keys")));
    SealedFragmentArchive archive = await(SealedFragmentArchive.open(vertx, store, crypto, dir.resolve("spool")));
    ObjectStoreTimeIndex index = new ObjectStoreTimeIndex(store, sealers(crypto), archive, IndexConfig.DEFAULT);
    List<Future<Void>> opened = new ArrayList<>();
    for (int s = 0; s < streams; s++) {
      opened.add(index.open(stream(s)));
    }
    await(Future.all(opened));
    long startupMillis = (System.nanoTime() - t0) / 1_000_000;
    long startupCpuMillis = (processCpuNanos() - cpu0) / 1_000_000;
    long fragments = (long) streams * perStream;
    long resident = usedAfterGc(mx) - baseline;
    long residentArithmetic = index.residentBytes();
    SegmentCache cache = index.cache();
    System.err.printf("start-up: %,d streams' summaries in %,d ms (%,d ms of CPU in the process, the store's sweep "
        + "for temp files included); resident %,d bytes (heap after GC, store, keys and index included), %,d by "
        + "arithmetic (summaries and tails); cache %,d bytes of %,d%n", streams, startupMillis, startupCpuMillis,
        resident, residentArithmetic, cache.bytes(), cache.capacityBytes());

    Random rnd = new Random(17);
    // JIT warm-up on queries of their own, then the measured ones: cold (not cached), then warm (cached)
    run(index, queries(rnd, streams, perStream, Math.min(queries, 2_000)), "warm-up");
    List<Query> measured = queries(rnd, streams, perStream, queries);
    if (Boolean.getBoolean("indexscale.dropCaches")) {
      dropPageCache();
    }
    long loads0 = cache.loads();
    long nanos0 = cache.loadNanos();
    long[][] cold = run(index, measured, "cold");
    long coldLoads = cache.loads() - loads0;
    double loadMillis = (cache.loadNanos() - nanos0) / 1e6 / Math.max(1, coldLoads);
    // warm: the latest cold queries again, as many as the cache holds the segments of (LRU keeps the newest)
    int held = (int) Math.min(measured.size(), 0.8 * cache.segments() / Math.max(1.0, coldLoads / (double) queries));
    List<Query> again = measured.subList(measured.size() - held, measured.size());
    loads0 = cache.loads();
    long[][] warm = run(index, again, "warm");
    long warmLoads = cache.loads() - loads0;
    System.err.printf("segment loads: %,d for %,d cold queries (%.2f each, %.3f ms each on average), %,d for the "
        + "%,d warm ones (the latest cold queries repeated); cache %,d bytes in %,d segments%n", coldLoads, queries,
        coldLoads / (double) queries, loadMillis, warmLoads, held, cache.bytes(), cache.segments());
    System.err.printf("store on disk: %,d bytes (%.1f per fragment)%n", diskBytes(dir.resolve("objects")),
        diskBytes(dir.resolve("objects")) / (double) fragments);
    if (genMillis >= 0) {
      System.err.printf("generation: %,d s%n", genMillis / 1000);
    }
    System.err.println("machine: " + IndexFixture.machine() + "; load average "
        + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    store.close();
    System.out.printf("fragments=%d resident_bytes_per_fragment=%.3f warm_query_p99_ms=%.3f cold_query_p99_ms=%.3f "
        + "startup_ms=%d%n", fragments, resident / (double) fragments, p99(warm[2]), p99(cold[2]), startupMillis);
  }

  private static List<Query> queries(Random rnd, int streams, int perStream, int n) {
    List<Query> out = new ArrayList<>(n);
    for (int q = 0; q < n; q++) {
      int s = rnd.nextInt(streams);
      long i = (long) (rnd.nextDouble() * (perStream - RANGE));
      TimestampKind kind = rnd.nextBoolean() ? TimestampKind.SERVER : TimestampKind.PRODUCER;
      long from = kind == TimestampKind.SERVER ? server(s, i) : producer(s, i);
      long to = kind == TimestampKind.SERVER ? server(s, i + RANGE - 1) : producer(s, i + RANGE - 1);
      out.add(new Query(s, kind, Math.min(from, to), Math.max(from, to)));
    }
    return out;
  }

  /** Runs the queries one after another; returns latencies in ns: [server], [producer], [all]. */
  private static long[][] run(ObjectStoreTimeIndex index, List<Query> qs, String label) throws Exception {
    long[] all = new long[qs.size()];
    long[] cpu = new long[qs.size()];
    long[] byServer = new long[qs.size()];
    long[] byProducer = new long[qs.size()];
    int ns = 0;
    int np = 0;
    long fragments = 0;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long gc0 = gcMillis();
    for (int q = 0; q < qs.size(); q++) {
      Query x = qs.get(q);
      long c = threads.getCurrentThreadCpuTime();
      long t = System.nanoTime();
      Page p = await(index.range(stream(x.stream()), x.kind(), x.from(), x.to(), RANGE, null));
      long el = System.nanoTime() - t;
      cpu[q] = threads.getCurrentThreadCpuTime() - c;
      fragments += p.records().size();
      all[q] = el;
      if (x.kind() == TimestampKind.SERVER) {
        byServer[ns++] = el;
        if (p.records().size() != RANGE) {
          throw new IllegalStateException("a server-time window of " + RANGE + " fragments returned "
              + p.records().size());
        }
      } else {
        byProducer[np++] = el;
      }
    }
    byServer = Arrays.copyOf(byServer, ns);
    byProducer = Arrays.copyOf(byProducer, np);
    Arrays.sort(all);
    Arrays.sort(cpu);
    Arrays.sort(byServer);
    Arrays.sort(byProducer);
    System.err.printf("%s: %,d queries (%.0f fragments each): p50 %.3f ms, p99 %.3f ms, max %.3f ms; by server time "
        + "p99 %.3f ms, by producer time p99 %.3f ms; CPU time of the querying thread p50 %.3f ms, p99 %.3f ms "
        + "(segment loads run on the store's threads); GC pauses %,d ms%n", label, qs.size(),
        fragments / (double) qs.size(), pct(all, 0.5), p99(all), all[all.length - 1] / 1e6, p99(byServer),
        p99(byProducer), pct(cpu, 0.5), p99(cpu), gcMillis() - gc0);
    return new long[][] {byServer, byProducer, all};
  }

  private static double p99(long[] sorted) {
    return pct(sorted, 0.99);
  }

  private static double pct(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
  }

  private static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  private static long usedAfterGc(MemoryMXBean mx) {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return mx.getHeapMemoryUsage().getUsed();
  }

  private static void dropPageCache() throws IOException, InterruptedException {
    new ProcessBuilder("sync").inheritIO().start().waitFor();
    Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "1");
    System.err.println("dropped the kernel's page cache before the cold queries");
  }

  private static long diskBytes(Path root) throws Exception {
    Process p = new ProcessBuilder("du", "-sb", root.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    return Long.parseLong(out.split("\\s+")[0]);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }
}
