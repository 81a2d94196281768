package io.vidlog.bench.soak;

import io.vidlog.bench.ingest.PacedCamera;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Slow and hostile GetMedia readers, and the soak, against the shipped server ({@code java -jar
 * vidlog-server.jar} in a JVM of its own, fs store in the run's directory): camera-paced PutMedia
 * producers on every stream (the load generator's cameras, signed with the admin key), GetMedia
 * readers that read normally, stop reading with the connection open, read at 10 kB/s, or drop the
 * connection and reconnect with their continuation token in a loop, and ListFragments +
 * GetMediaForFragmentList in a loop.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.vidlog.bench.soak.SoakLoad hostile SECONDS [options]
 *   three phases of SECONDS each after the warm-up: the cameras alone, the cameras with the readers
 *   (default 40 normal, 20 stopped, 20 slow, 20 reconnecting), the cameras alone again; PERSISTED
 *   latency per phase, memory, what each reader received
 * java -cp bench/target/benchmarks.jar io.vidlog.bench.soak.SoakLoad soak MINUTES [options]
 *   the cameras, the readers (default 100 normal) and the archive loops for MINUTES; the trend of
 *   heap after GC, direct memory, fds, threads and RSS over the run, PERSISTED p99 of the first
 *   against the last 5 minutes
 * options: --cameras N (300) --kbps K (each camera's rate, 10 frames/s, 2 s fragments; 1000)
 *   --readers NORMAL,STOPPED,SLOW,RECONNECTING --archive-loops N (2 in soak, 0 in hostile)
 *   --heap MB (the server's -Xmx, 1024) --warm-up S (30) --sample S (10) --gc-every S (60)
 *   --jar PATH (server/target/vidlog-server.jar) --dir DIR (a new temp dir) --keep-data
 * </pre>
 *
 * Writes {@code DIR/series.csv} (one row per sample) and the server's logs and GC log under
 * {@code DIR/server}; the server's data dir is deleted at the end unless {@code --keep-data}.
 */
public final class SoakLoad {
  private static final String USAGE = "usage: SoakLoad hostile SECONDS | soak MINUTES [--cameras N] [--kbps K] "
      + "[--readers N,S,L,R] [--archive-loops N] [--heap MB] [--warm-up S] [--sample S] [--gc-every S] [--jar PATH] "
      + "[--dir DIR] [--keep-data]";

  private SoakLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !(args[0].equals("hostile") || args[0].equals("soak"))) {
      System.out.println(USAGE);
      System.exit(2);
    }
    boolean soak = args[0].equals("soak");
    int length = Integer.parseInt(args[1]);
    Map<String, String> o = new TreeMap<>();
    for (int i = 2; i < args.length; i++) {
      String key = args[i].replaceFirst("^--", "");
      o.put(key, key.equals("keep-data") ? "true" : args[++i]);
    }
    int[] readers = parseReaders(o.getOrDefault("readers", soak ? "100,0,0,0" : "40,20,20,20"));
    List<SoakConfig.Phase> phases = soak ? List.of(new SoakConfig.Phase("soak", length * 60, true))
        : List.of(new SoakConfig.Phase("cameras alone", length, false),
            new SoakConfig.Phase("with readers", length, true),
            new SoakConfig.Phase("cameras alone again", length, false));
    Path dir = o.containsKey("dir") ? Path.of(o.get("dir")) : Files.createTempDirectory("vidlog-soak");
    SoakConfig cfg = new SoakConfig(Path.of(o.getOrDefault("jar", "server/target/vidlog-server.jar")).toAbsolutePath(),
        dir, Integer.parseInt(o.getOrDefault("cameras", "300")),
        PacedCamera.Profile.kbps(Integer.parseInt(o.getOrDefault("kbps", "1000"))), readers,
        Integer.parseInt(o.getOrDefault("archive-loops", soak ? "2" : "0")),
        Integer.parseInt(o.getOrDefault("heap", "1024")), Integer.parseInt(o.getOrDefault("warm-up", "30")), phases,
        Integer.parseInt(o.getOrDefault("sample", "10")), Integer.parseInt(o.getOrDefault("gc-every", "60")),
        10_000, 40_000);
    System.out.printf("SoakLoad %s: %d cores, load average %.2f, run directory %s%n", String.join(" ", args),
        Runtime.getRuntime().availableProcessors(), SoakRun.loadAverage(), dir);
    // nothing is deleted during the run (retention is 1 h): the store must fit on the disk
    long seconds = cfg.warmUpSeconds() + 60L + cfg.phases().stream().mapToLong(SoakConfig.Phase::seconds).sum();
    long needed = (long) (cfg.cameras() * cfg.profile().bytesPerSecond() * seconds * 1.1);
    long free = Files.getFileStore(dir).getUsableSpace();
    if (needed > free) {
      System.out.printf("the store would need about %d GB in %s, which has %d GB free: use fewer cameras, a lower "
          + "--kbps or a shorter run%n", needed >> 30, dir, free >> 30);
      System.exit(2);
    }
    try {
      SoakResult result = new SoakRun(cfg, System.out).run();
      result.print(System.out);
    } finally {
      if (!o.containsKey("keep-data")) {
        deleteTree(dir.resolve("server").resolve("data"));
      }
    }
    System.out.println("time series: " + dir.resolve("series.csv"));
    System.exit(0); // the Vert.x threads of a failed run must not keep the JVM up
  }

  static int[] parseReaders(String spec) {
    String[] p = spec.split(",");
    if (p.length != 4) {
      throw new IllegalArgumentException("--readers NORMAL,STOPPED,SLOW,RECONNECTING, not " + spec);
    }
    int[] n = new int[4];
    for (int i = 0; i < 4; i++) {
      n[i] = Integer.parseInt(p[i].trim());
    }
    return n;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
