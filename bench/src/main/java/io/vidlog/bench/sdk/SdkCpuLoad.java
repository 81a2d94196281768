package io.vidlog.bench.sdk;

import io.vidlog.producer.CredentialsProvider;
import io.vidlog.producer.DroppedFragment;
import io.vidlog.producer.ProducerConfig;
import io.vidlog.producer.ProducerError;
import io.vidlog.producer.ProducerListener;
import io.vidlog.producer.StreamProducer;
import io.vidlog.producer.StreamSpec;
import io.vidlog.producer.TrackConfig;
import io.vidlog.producer.Trust;
import io.vidlog.producer.VidlogClient;
import io.vidlog.server.Stores;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.config.ConfigLoader;
import io.vidlog.server.keys.AdminCredentials;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The producer SDK's CPU per 4 Mbit/s stream: STREAMS camera-paced producers (25 frames/s of 20 kB
 * Annex-B H.264, a key frame each second, so 4 Mbit/s of frames) stream for SECONDS into a vidlog
 * server in this JVM (TLS, fs store in a temporary directory), after a warm-up. Counted as SDK CPU:
 * every thread the SDK runs (sender, ack reader and watchdog of each producer, by name) plus the
 * camera threads' CPU inside {@code putFrame} (packaging: Annex-B → AVCC, MKV blocks, buffering);
 * the server's threads and GC are not. Prints the SDK CPU per stream as a share of one core, with
 * acknowledged fragments, drops and errors as a sanity check.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.vidlog.bench.sdk.SdkCpuLoad [STREAMS] [SECONDS]}
 * (defaults 8 and 60; {@code -Dbench.warmUpSeconds=20}).
 */
public final class SdkCpuLoad {
  private static final int FPS = 25;
  private static final int FRAME_BYTES = 20_000;
  /** SPS and PPS of a 320×180 Baseline encode (media's codec fixture avc-baseline-320x180.annexb). */
  private static final byte[] PARAMETER_SETS = HexFormat.of().parseHex(
      "000000016742c00cd901419f9f011000000300100000030320f142a4800000000168cb83cb20");

  private SdkCpuLoad() {}

  public static void main(String[] args) throws Exception {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    long warmUp = Long.getLong("bench.warmUpSeconds", 20);
    System.out.printf("SdkCpuLoad: %d streams × %d kB × %d frames/s (%.1f Mbit/s each), %d s measured after %d s "
        + "warm-up; %d cores, Java %s%n", streams, FRAME_BYTES / 1000, FPS, FRAME_BYTES * 8.0 * FPS / 1e6, seconds,
        warmUp, Runtime.getRuntime().availableProcessors(), Runtime.version());
    Path dir = Files.createTempDirectory("sdk-cpu");
    Map<String, String> flags = new HashMap<>();
    flags.put("data-dir", dir.toString());
    flags.put("port", "0");
    flags.put("bind", "127.0.0.1");
    VidlogServer server = VidlogServer.start(ConfigLoader.load(flags, Map.of()), Stores::open);
    AdminCredentials admin = server.admin().credentials();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    threads.setThreadCpuTimeEnabled(true);
    LongAdder putFrameNanos = new LongAdder();
    AtomicLong measuring = new AtomicLong();
    LongAdder errors = new LongAdder();
    LongAdder drops = new LongAdder();
    ProducerListener listener = new ProducerListener() {
      @Override
      public void onError(ProducerError error) {
        errors.increment();
        System.out.println("  error: " + error);
      }

      @Override
      public void onDrop(DroppedFragment dropped) {
        drops.add(dropped.frames());
      }
    };
    try (VidlogClient client = VidlogClient.builder().endpoint(server.url()).region("us-east-1")
        .credentials(CredentialsProvider.of(admin.accessKeyId(), admin.secretAccessKey()))
        .trust(Trust.pem(dir.resolve("tls").resolve("cert.pem"))).build()) {
      List<StreamProducer> producers = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        String name = "cpu-" + s;
        producers.add(client.producer(ProducerConfig.builder(name).createIfMissing(StreamSpec.named(name).withRetentionHours(1))
            .track(TrackConfig.h264(1)).listener(listener).build()));
      }
      long t0 = System.currentTimeMillis() + 500;
      long end = t0 + (warmUp + seconds) * 1000;
      List<Thread> cameras = new ArrayList<>();
      for (StreamProducer p : producers) {
        cameras.add(camera(p, t0, end, nanos -> {
          if (measuring.get() == 1) {
            putFrameNanos.add(nanos);
          }
        }));
      }
      Thread.sleep(Math.max(0, t0 + warmUp * 1000 - System.currentTimeMillis()));
      Map<Long, Long> before = sdkThreadCpu(threads);
      long persistedBefore = persisted(producers);
      long wall0 = System.nanoTime();
      measuring.set(1);
      Thread.sleep(seconds * 1000L);
      measuring.set(2);
      long wall = System.nanoTime() - wall0;
      Map<Long, Long> after = sdkThreadCpu(threads);
      long persisted = persisted(producers) - persistedBefore;
      long sdkThreads = 0;
      for (Map.Entry<Long, Long> e : after.entrySet()) {
        sdkThreads += e.getValue() - before.getOrDefault(e.getKey(), 0L);
      }
      long total = sdkThreads + putFrameNanos.sum();
      double perStream = (double) total / wall / streams;
      System.out.printf("SDK CPU: threads %.3f s + putFrame %.3f s over %.1f s for %d streams%n", sdkThreads / 1e9,
          putFrameNanos.sum() / 1e9, wall / 1e9, streams);
      System.out.printf("SDK CPU per 4 Mbit/s stream: %.3f %% of a core (target <= 1 %%)%n", perStream * 100);
      System.out.printf("fragments persisted while measured: %d (expected about %d); frames dropped %d; errors %d%n",
          persisted, (long) streams * seconds, drops.sum(), errors.sum());
      for (Thread t : cameras) {
        t.join();
      }
      for (StreamProducer p : producers) {
        p.flush(Duration.ofSeconds(30));
        p.close();
      }
    } finally {
      server.stop();
    }
  }

  /**
   * A started camera thread: from {@code t0} until {@code end} (epoch millis), a {@link #frame} due
   * every 1/{@link #FPS} s by the wall clock, a key frame each second; {@code putFrameCpu} is told
   * the thread CPU each {@code putFrame} took.
   */
  static Thread camera(StreamProducer p, long t0, long end, java.util.function.LongConsumer putFrameCpu) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    byte[] key = frame(true);
    byte[] delta = frame(false);
    Thread t = new Thread(() -> {
      for (long i = 0; ; i++) {
        long due = t0 + i * 1000 / FPS;
        if (due >= end) {
          return;
        }
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
          try {
            Thread.sleep(wait);
          } catch (InterruptedException e) {
            return;
          }
        }
        Instant pts = Instant.ofEpochMilli(due);
        long c0 = threads.getCurrentThreadCpuTime();
        p.putFrame(1, pts, pts, i % FPS == 0, i % FPS == 0 ? key : delta);
        putFrameCpu.accept(threads.getCurrentThreadCpuTime() - c0);
      }
    }, "camera-" + p.streamName());
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static long persisted(List<StreamProducer> producers) {
    long n = 0;
    for (StreamProducer p : producers) {
      n += p.stats().fragmentsPersisted();
    }
    return n;
  }

  /** CPU time of each live SDK thread (named vidlog-producer-…), by thread id. */
  private static Map<Long, Long> sdkThreadCpu(ThreadMXBean threads) {
    Map<Long, Long> out = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("vidlog-producer-")) {
        long cpu = threads.getThreadCpuTime(t.getId());
        if (cpu >= 0) {
          out.put(t.getId(), cpu);
        }
      }
    }
    return out;
  }

  /** An Annex-B access unit of FRAME_BYTES: SPS + PPS + IDR slice, or one non-IDR slice. */
  private static byte[] frame(boolean key) {
    byte[] out = new byte[FRAME_BYTES];
    int p = 0;
    if (key) {
      System.arraycopy(PARAMETER_SETS, 0, out, 0, PARAMETER_SETS.length);
      p = PARAMETER_SETS.length;
    }
    out[p + 3] = 1;
    out[p + 4] = (byte) (key ? 0x65 : 0x41);
    for (int i = p + 5; i < out.length; i++) {
      out[i] = (byte) (1 + (i * 31) % 255); // no zero bytes: no start code inside the slice
    }
    return out;
  }
}
