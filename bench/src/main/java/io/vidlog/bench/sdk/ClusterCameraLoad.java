package io.vidlog.bench.sdk;

import io.vidlog.producer.ApiName;
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
import io.vidlog.server.keys.AdminCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cost of clustering on one machine: CAMERAS camera-paced producers (the producer SDK, 25
 * frames/s of 20 kB, a key frame and so a fragment each second: 4 Mbit/s each) stream for SECONDS
 * into vidlog over an S3 server, either into ONE node without {@code --cluster} or into TWO nodes
 * clustered with each other (the packaged server jar, one JVM per node; the producers ask
 * GetDataEndpoint of the first node, which spreads the streams over both by the cluster's
 * partitioning). The nodes share this machine's cores, so the two-node run shows what clustering
 * costs, not a speed-up. Prints, over the measured window: the nodes' CPU (from /proc, all
 * their threads and GC) as cores and as % of a core per 100 cameras, the S3 server's CPU when its
 * pid is given, last byte → PERSISTED latency p50/p99/max (the SDK's {@code onLatency}), fragments
 * persisted against expected, errors and drops, streams per node, and the load average.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.vidlog.bench.sdk.ClusterCameraLoad 1|2 CAMERAS SECONDS \
 *   --server-jar server/target/vidlog-server.jar --s3-endpoint http://127.0.0.1:4569 --s3-bucket B \
 *   --s3-access-key S3RVER --s3-secret-key S3RVER [--s3-pid PID]
 * </pre>
 * (an empty bucket per run; {@code -Dbench.warmUpSeconds=20}; each node gets {@code -Xmx512m} and the options
 * of {@code -Dbench.nodeJvmOptions}).
 */
public final class ClusterCameraLoad {
  private static final long WARM_UP_SECONDS = Long.getLong("bench.warmUpSeconds", 20);
  private static final String RUNNING = "vidlog is running at ";
  /**
   * Extra JVM options for every node, split at spaces, {@code {node}} replaced by the node's index:
   * for example {@code -XX:StartFlightRecording=filename=/tmp/node{node}.jfr,settings=profile}.
   */
  private static final String NODE_JVM_OPTIONS = System.getProperty("bench.nodeJvmOptions", "");

  private ClusterCameraLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3 || (args.length - 3) % 2 != 0) {
      System.out.println("usage: ClusterCameraLoad 1|2 CAMERAS SECONDS --server-jar JAR --s3-endpoint URL "
          + "--s3-bucket B --s3-access-key K --s3-secret-key S [--s3-pid PID]");
      System.exit(2);
    }
    int nodeCount = Integer.parseInt(args[0]);
    int cameras = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    Map<String, String> opts = new TreeMap<>();
    for (int i = 3; i < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    System.out.printf("ClusterCameraLoad: %d node(s)%s, %d cameras × 4 Mbit/s, %d s measured after %d s warm-up; "
        + "%d cores, load avg %.2f%n", nodeCount, nodeCount > 1 ? " clustered" : " (no --cluster)", cameras, seconds,
        WARM_UP_SECONDS, Runtime.getRuntime().availableProcessors(), loadAverage());
    byte[] masterKey = new byte[32];
    new java.security.SecureRandom().nextBytes(masterKey);
    List<Node> nodes = new ArrayList<>();
    Path dir = Files.createTempDirectory("vidlog-cluster-load");
    try {
      int[] clusterPorts = new int[nodeCount];
      List<String> members = new ArrayList<>();
      for (int i = 0; i < nodeCount; i++) {
        clusterPorts[i] = freePort();
        members.add("127.0.0.1:" + clusterPorts[i]);
      }
      for (int i = 0; i < nodeCount; i++) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx512m"));
        for (String o : NODE_JVM_OPTIONS.trim().split(" +")) {
          if (!o.isEmpty()) {
            command.add(o.replace("{node}", String.valueOf(i)));
          }
        }
        command.addAll(List.of("-jar", opts.get("server-jar"), "--data-dir", dir.resolve("node" + i).toString(),
            "--port", "0", "--bind", "127.0.0.1", "--s3-endpoint", opts.get("s3-endpoint"), "--s3-bucket",
            opts.get("s3-bucket"), "--s3-access-key", opts.get("s3-access-key"), "--s3-secret-key",
            opts.get("s3-secret-key"), "--master-key", Base64.getEncoder().encodeToString(masterKey)));
        if (nodeCount > 1) {
          command.addAll(List.of("--cluster", "--cluster-port", String.valueOf(clusterPorts[i]), "--cluster-members",
              String.join(",", members)));
        }
        Node n = new Node(command, dir.resolve("node" + i));
        nodes.add(n);
        n.url.get(3, TimeUnit.MINUTES); // the first node creates the admin key the others read
      }
      run(nodes, cameras, seconds, AdminCredentials.read(dir.resolve("node0").resolve(AdminCredentials.FILE)),
          opts.containsKey("s3-pid") ? Long.parseLong(opts.get("s3-pid")) : -1);
    } finally {
      for (Node n : nodes) {
        n.process.destroy();
        n.process.waitFor(60, TimeUnit.SECONDS);
      }
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(List<Node> nodes, int cameras, int seconds, AdminCredentials admin, long s3Pid)
      throws Exception {
    AtomicBoolean measuring = new AtomicBoolean();
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    LongAdder errors = new LongAdder();
    LongAdder drops = new LongAdder();
    Map<String, String> firstError = new ConcurrentHashMap<>();
    ProducerListener listener = new ProducerListener() {
      @Override
      public void onError(ProducerError error) {
        errors.increment();
        firstError.putIfAbsent("first", error.toString());
      }

      @Override
      public void onDrop(DroppedFragment dropped) {
        drops.add(dropped.frames());
      }

      @Override
      public void onLatency(String fragmentNumber, Duration ackLatency) {
        if (measuring.get()) {
          latencies.add(ackLatency.toNanos());
        }
      }
    };
    try (VidlogClient client = VidlogClient.builder().endpoint(nodes.get(0).url.get()).region("us-east-1")
        .credentials(CredentialsProvider.of(admin.accessKeyId(), admin.secretAccessKey())).trust(Trust.insecure())
        .build()) {
      List<StreamProducer> producers = new ArrayList<>();
      Map<String, Integer> perNode = new TreeMap<>();
      for (int s = 0; s < cameras; s++) {
        String name = "cam-" + s;
        producers.add(client.producer(ProducerConfig.builder(name)
            .createIfMissing(StreamSpec.named(name).withRetentionHours(1)).track(TrackConfig.h264(1))
            .listener(listener).build()));
        perNode.merge(client.dataEndpoint(name, ApiName.PUT_MEDIA).getAuthority(), 1, Integer::sum);
      }
      System.out.println("streams per PUT_MEDIA endpoint: " + perNode);
      long t0 = System.currentTimeMillis() + 500;
      long end = t0 + (WARM_UP_SECONDS + seconds) * 1000;
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < cameras; c++) {
        // key frames spread over a second, as independent cameras
        threads.add(SdkCpuLoad.camera(producers.get(c), t0 + c * 1000L / cameras, end, nanos -> { }));
      }
      Thread.sleep(Math.max(0, t0 + WARM_UP_SECONDS * 1000 - System.currentTimeMillis()));
      double loadAtStart = loadAverage();
      long[] cpu0 = new long[nodes.size()];
      ThreadCpu[] threads0 = new ThreadCpu[nodes.size()];
      for (int i = 0; i < nodes.size(); i++) {
        cpu0[i] = cpuTicks(nodes.get(i).process.pid());
        threads0[i] = ThreadCpu.of(nodes.get(i).process.pid());
      }
      long s3Cpu0 = s3Pid > 0 ? cpuTicks(s3Pid) : 0;
      long persisted0 = persisted(producers);
      long errors0 = errors.sum();
      long drops0 = drops.sum();
      long wall0 = System.nanoTime();
      java.time.Instant from = java.time.Instant.now();
      measuring.set(true);
      Thread.sleep(seconds * 1000L);
      measuring.set(false);
      double wall = (System.nanoTime() - wall0) / 1e9;
      // to cut a node's profile (-Dbench.nodeJvmOptions) to the measured window
      System.out.println("measured window: " + from + " to " + java.time.Instant.now());
      double tick = clockTicksPerSecond();
      double nodeCores = 0;
      StringBuilder each = new StringBuilder();
      long[] nodeTicks = new long[nodes.size()];
      List<Map<String, Long>> split = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        nodeTicks[i] = cpuTicks(nodes.get(i).process.pid()) - cpu0[i];
        split.add(ThreadCpu.of(nodes.get(i).process.pid()).since(threads0[i]));
        double cores = nodeTicks[i] / tick / wall;
        nodeCores += cores;
        each.append(String.format(" node%d %.2f", i, cores));
      }
      long persisted = persisted(producers) - persisted0;
      // per fragment too: a run still catching up on a backlog persists more than one per camera-second
      System.out.printf("nodes' CPU: %.2f cores (%s) = %.1f %% of a core per 100 cameras, %.1f ms per fragment "
          + "persisted%n", nodeCores, each.toString().trim(), nodeCores * 100 * 100 / cameras,
          persisted == 0 ? Double.NaN : nodeCores * wall * 1000 / persisted);
      for (int i = 0; i < nodes.size(); i++) {
        printSplit(i, nodeTicks[i], split.get(i), tick, persisted);
      }
      if (s3Pid > 0) {
        System.out.printf("S3 server's CPU: %.2f cores%n", (cpuTicks(s3Pid) - s3Cpu0) / tick / wall);
      }
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      if (sorted.length > 0) {
        System.out.printf("last byte → PERSISTED: p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)%n", pct(sorted, 0.5),
            pct(sorted, 0.99), sorted[sorted.length - 1] / 1e6, sorted.length);
      }
      System.out.printf("fragments persisted %d (expected about %d), errors %d, frames dropped %d%s%n", persisted,
          (long) cameras * seconds, errors.sum() - errors0, drops.sum() - drops0,
          firstError.isEmpty() ? "" : "; first error: " + firstError.get("first"));
      System.out.printf("load average: %.2f at start of the measured window, %.2f at its end%n", loadAtStart,
          loadAverage());
      for (Thread t : threads) {
        t.interrupt();
      }
      for (StreamProducer p : producers) {
        p.close();
      }
    }
  }

  /**
   * A node's CPU per fragment persisted (by all nodes) split by its thread groups, largest first,
   * the groups under 0.1 ms folded into "other"; "exited threads" is what threads that ended in the
   * window used.
   */
  private static void printSplit(int node, long ticks, Map<String, Long> groups, double tick, long persisted) {
    double perFragment = persisted == 0 ? Double.NaN : 1000 / tick / persisted;
    StringBuilder line = new StringBuilder(String.format("node%d CPU per fragment %.1f ms:", node,
        ticks * perFragment));
    long other = ticks - groups.values().stream().mapToLong(Long::longValue).sum();
    long small = 0;
    for (Map.Entry<String, Long> g : groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue()
        .reversed()).toList()) {
      if (g.getValue() * perFragment < 0.1) {
        small += g.getValue();
      } else {
        line.append(String.format(" %s %.1f,", g.getKey(), g.getValue() * perFragment));
      }
    }
    line.append(String.format(" other %.1f, exited threads %.1f", small * perFragment, other * perFragment));
    System.out.println(line);
  }

  /** A node: the server jar in a JVM of its own; its URL once it printed it. */
  private static final class Node {
    final Process process;
    final CompletableFuture<URI> url = new CompletableFuture<>();

    Node(List<String> command, Path dir) throws IOException {
      Files.createDirectories(dir);
      process = new ProcessBuilder(command).redirectError(dir.resolve("stderr.log").toFile()).start();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith(RUNNING)) {
              url.complete(URI.create(line.substring(RUNNING.length()).split(" ")[0].trim()));
            }
          }
        } catch (IOException e) {
          // the process ended
        }
        url.completeExceptionally(new IllegalStateException("the node ended before it ran; see "
            + dir.resolve("stderr.log")));
      }, "stdout-" + dir.getFileName());
      reader.setDaemon(true);
      reader.start();
    }
  }

  private static long persisted(List<StreamProducer> producers) {
    long n = 0;
    for (StreamProducer p : producers) {
      n += p.stats().fragmentsPersisted();
    }
    return n;
  }

  /** utime + stime of a process (all its threads), in clock ticks, from /proc/PID/stat. */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
  }

  private static double clockTicksPerSecond() throws Exception {
    Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    p.waitFor();
    return Double.parseDouble(out);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static double pct(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
