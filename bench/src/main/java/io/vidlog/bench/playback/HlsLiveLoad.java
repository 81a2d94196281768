package io.vidlog.bench.playback;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.playback.PlaybackConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * LIVE HLS under load (docs/wire-protocol.md §3.5), server and load generator in one JVM on this
 * machine, over TLS on loopback. One producer streams {@code /putMedia} at 30 frames/s, a fragment
 * per second, each closed by an end-of-fragment tag right after its last frame (as KVS producers
 * close fragments). Measured:
 * <ul>
 *   <li>appearance: one poller fetches its LIVE media playlist back to back; for each fragment,
 *       the time from the moment the producer wrote its last frame to the first playlist response
 *       that lists it (the poll's own round trip included);</li>
 *   <li>viewers: VIEWERS players, each with its own session, fetch the media playlist once a second
 *       (as hls.js does for 1 s fragments), gzipped, and every new media segment, as a player does;
 *       playlist and segment response times.</li>
 * </ul>
 * With MODE {@code ll} the viewers are LL-HLS players instead (docs/wire-protocol.md §3.5,
 * "Low-Latency HLS"): each does blocking playlist reloads back to back, asking, as hls.js does, for
 * the next part ({@code _HLS_msn}/{@code _HLS_part}); measured is the time from the producer writing
 * the frame that completes the part asked for (the first frame of the next part, or a fragment's last
 * frame with its end-of-fragment tag) to the held response arriving at the viewer. A fragment's last
 * part is answered when the next fragment starts, one frame interval after its last frame (the server
 * holds it so that the playlist ends with the next segment's preload hint): those are printed apart,
 * also from the next fragment's first frame.
 * Run: {@code java -Xmx2g -cp bench/target/benchmarks.jar io.vidlog.bench.playback.HlsLiveLoad
 * [VIEWERS=200] [SECONDS=60] [FRAME_BYTES=4096] [MODE=poll|ll] [SERVER=same|process]}. The first 15 s
 * are warm-up and not counted. With SERVER {@code process} the server runs in a JVM of its own
 * (this class with the single argument {@code serve}), so the CPU the clients and the producer take
 * is told apart from the server's (both are printed); the times are still taken by this JVM, on the
 * same machine clock. The system property {@code vidlog.bench.serverJvm} adds options to the server's JVM
 * (separated by spaces), for instance a flight recording of the server alone.
 */
public final class HlsLiveLoad {
  private static final int FPS = 30;
  private static final int FRAME_MS = 33;
  private static final long WARM_UP_MS = 15_000;

  /** The server in this JVM, or null when it runs in {@link #serverProcess}. */
  private final BenchStack stack;
  private final Process serverProcess;
  private final int port;
  private final Vertx clientVertx;
  private final HttpClient client;
  private final int frameBytes;
  /** Producer timecode of each fragment's last frame → when the producer wrote it. */
  private final ConcurrentHashMap<Long, Long> lastFrameSent = new ConcurrentHashMap<>();
  private final Latencies appearance = new Latencies();
  private final Latencies playlists = new Latencies();
  private final Latencies segments = new Latencies();
  private final Latencies released = new Latencies();
  /** {@link #released} of parts within a fragment, and of fragments' last parts (see {@link LlViewer}). */
  private final Latencies releasedInner = new Latencies();
  private final Latencies releasedLast = new Latencies();
  /** A fragment's last part, from the next fragment's first frame (what releases it). */
  private final Latencies releasedLastFromNext = new Latencies();
  /** Producer timecode of every frame → when the producer wrote it. */
  private final ConcurrentHashMap<Long, Long> frameSent = new ConcurrentHashMap<>();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean measuring;
  private volatile boolean running = true;

  private HlsLiveLoad(int viewers, int frameBytes, boolean serverProcess) throws Exception {
    if (serverProcess) {
      this.stack = null;
      this.serverProcess = startServerProcess();
      this.port = serverPort(this.serverProcess);
    } else {
      this.stack = new BenchStack(true, PlaybackConfig.DEFAULTS);
      this.serverProcess = null;
      this.port = stack.port;
      stack.createStream("live", 24);
    }
    this.frameBytes = frameBytes;
    this.clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    this.client = clientVertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
        .setVerifyHost(false).setTcpNoDelay(true).setKeepAlive(true).setDecompressionSupported(true)
        .setSslHandshakeTimeout(120)
        .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS).setConnectTimeout(120_000),
        new PoolOptions().setHttp1MaxSize(2 * viewers + 10));
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("serve")) {
      serve();
      return;
    }
    int viewers = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int frameBytes = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
    boolean ll = args.length > 3 && args[3].equals("ll");
    boolean separate = args.length > 4 && args[4].equals("process");
    HlsLiveLoad load = new HlsLiveLoad(viewers, frameBytes, separate);
    try {
      load.run(viewers, seconds, ll);
    } finally {
      load.close();
    }
  }

  private void run(int viewers, int seconds, boolean ll) throws Exception {
    System.out.printf("# HLS LIVE%s: 1 producer (%d fps, %d B frames, 1 s fragments), %d viewers, %d s measured after"
        + " %d s warm-up, TLS loopback, %d cores, java %s%n", ll ? " (LL-HLS blocking reloads)" : "", FPS, frameBytes,
        viewers, seconds, WARM_UP_MS / 1000, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    CompletableFuture<Void> produced = produce(seconds + WARM_UP_MS / 1000 + 20);
    String pollerSession = session();
    Thread poller = new Thread(() -> poll(pollerSession), "appearance-poller");
    poller.start();
    if (ll) {
      List<LlViewer> all = new ArrayList<>();
      for (int v = 0; v < viewers; v++) {
        all.add(new LlViewer(session()));
      }
      all.forEach(LlViewer::start);
    } else {
      List<Viewer> all = new ArrayList<>();
      for (int v = 0; v < viewers; v++) {
        all.add(new Viewer(session(), v * 1000L / viewers));
      }
      all.forEach(Viewer::start);
    }
    Thread.sleep(WARM_UP_MS);
    appearance.clear();
    playlists.clear();
    segments.clear();
    released.clear();
    releasedInner.clear();
    releasedLast.clear();
    releasedLastFromNext.clear();
    failures.set(0);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long serverCpu0 = serverCpuNanos();
    double load0 = os.getSystemLoadAverage();
    measuring = true;
    Thread.sleep(seconds * 1000L);
    measuring = false;
    long cpu = os.getProcessCpuTime() - cpu0;
    long serverCpu = serverCpuNanos() - serverCpu0;
    running = false;
    poller.join(10_000);
    System.out.println("  appearance (last frame written -> listed) " + appearance.summary());
    System.out.println("  playlist responses (" + viewers + " viewers)  " + playlists.summary());
    System.out.println("  segment responses                          " + segments.summary());
    if (ll) {
      System.out.println("  part complete -> held playlist answered    " + released.summary());
      System.out.println("    parts within a fragment                  " + releasedInner.summary());
      System.out.println("    fragments' last parts                    " + releasedLast.summary());
      System.out.println("    the same, from the next fragment's start " + releasedLastFromNext.summary());
    }
    System.out.println("  failed requests                            " + failures.get());
    if (serverProcess == null) {
      System.out.printf("  this JVM (server, producer and all clients, TLS both sides): %.1f CPU-s in %d s = %.2f cores;"
          + " machine load average %.1f -> %.1f%n", cpu / 1e9, seconds, cpu / 1e9 / seconds, load0,
          os.getSystemLoadAverage());
    } else {
      System.out.printf("  server JVM: %.1f CPU-s in %d s = %.2f cores; load generator JVM (producer and all clients):"
          + " %.2f cores; machine load average %.1f -> %.1f%n", serverCpu / 1e9, seconds, serverCpu / 1e9 / seconds,
          cpu / 1e9 / seconds, load0, os.getSystemLoadAverage());
    }
    produced.cancel(true);
  }

  /** A LIVE session with producer timestamps shown, so playlists name each fragment's producer start. */
  private String session() throws Exception {
    String body = new JsonObject().put("StreamName", "live").put("Expires", 43200)
        .put("HLSFragmentSelector", new JsonObject().put("FragmentSelectorType", "PRODUCER_TIMESTAMP"))
        .put("DisplayFragmentTimestamp", "ALWAYS").encode();
    for (int tries = 0; ; tries++) {
      int attempt = tries;
      CompletableFuture<JsonObject> r = new CompletableFuture<>();
      clientVertx.runOnContext(v -> client.request(options(HttpMethod.POST, "/getHLSStreamingSessionURL"))
          .compose(req -> req.send(Buffer.buffer(body))).compose(resp -> resp.body().map(b -> {
            if (resp.statusCode() != 200 && attempt % 50 == 49) {
              System.err.println("session: " + resp.statusCode() + " " + b);
            }
            return resp.statusCode() == 200 ? b.toJsonObject() : null;
          })).onComplete(ar -> r.complete(ar.succeeded() ? ar.result() : null)));
      JsonObject json = r.get(60, TimeUnit.SECONDS);
      if (json != null) {
        URI url = URI.create(json.getString("HLSStreamingSessionURL"));
        return url.getRawQuery(); // SessionToken=…
      }
      if (tries > 200) {
        throw new IllegalStateException("no LIVE session: the stream has no fragment");
      }
      Thread.sleep(100); // set-up only: the first fragment is still being produced
    }
  }

  private RequestOptions options(HttpMethod method, String uri) {
    return new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
  }

  /** GET (the client asks for gzip and decompresses, as browsers do). */
  private Future<String> get(String uri) {
    Promise<String> p = Promise.promise();
    clientVertx.runOnContext(v -> client.request(options(HttpMethod.GET, uri)).compose(HttpClientRequest::send)
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException(uri + ": " + resp.statusCode() + " " + b);
          }
          return b.toString();
        })).onComplete(p));
    return p.future();
  }

  /** The appearance poller: playlists back to back; each fragment's first listing against its last frame. */
  private void poll(String token) {
    Set<Long> seen = new HashSet<>();
    String uri = "/hls/v1/getHLSMediaPlaylist.m3u8?" + token + "&TrackNumber=1";
    while (running) {
      try {
        String playlist = get(uri).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        long now = System.nanoTime();
        for (String line : playlist.split("\n")) {
          if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
            long start = Instant.parse(line.substring("#EXT-X-PROGRAM-DATE-TIME:".length())).toEpochMilli();
            Long sent = lastFrameSent.get(start + (FPS - 1) * FRAME_MS);
            if (sent != null && seen.add(start) && measuring) {
              appearance.add(now - sent);
            }
          }
        }
      } catch (Exception e) {
        if (running) {
          failures.incrementAndGet();
        }
      }
    }
  }

  /** A player: its media playlist every second, and each segment it has not fetched yet. */
  private final class Viewer {
    final String token;
    final long offsetMs;
    final Set<String> fetched = new HashSet<>();

    Viewer(String token, long offsetMs) {
      this.token = token;
      this.offsetMs = offsetMs;
    }

    void start() {
      clientVertx.setTimer(1 + offsetMs, id -> tick());
    }

    void tick() {
      if (!running) {
        return;
      }
      long t0 = System.nanoTime();
      get("/hls/v1/getHLSMediaPlaylist.m3u8?" + token + "&TrackNumber=1").onSuccess(text -> {
        if (measuring) {
          playlists.add(System.nanoTime() - t0);
        }
        for (String line : text.split("\n")) {
          if (line.startsWith("getMP4MediaFragment") && fetched.add(line)) {
            long s0 = System.nanoTime();
            get("/hls/v1/" + line).onSuccess(b -> {
              if (measuring) {
                segments.add(System.nanoTime() - s0);
              }
            }).onFailure(e -> failures.incrementAndGet());
          }
        }
      }).onFailure(e -> {
        if (running) {
          failures.incrementAndGet();
        }
      }).onComplete(x -> clientVertx.setTimer(Math.max(1, 1000 - (System.nanoTime() - t0) / 1_000_000), id -> tick()));
    }
  }

  /** One segment of a playlist as a player reads it: its number, PROGRAM-DATE-TIME, parts, and whether it is complete. */
  private record Seg(long msn, long pdtMs, List<Long> partsMs, boolean complete) {}

  /**
   * PROGRAM-DATE-TIME text → epoch milliseconds: every viewer reads the same few dates again and
   * again, and {@link Instant#parse} took most of a viewer's parsing, time spent on the load
   * generator's event loops between a response's arrival and the next one's.
   */
  private static final ConcurrentHashMap<String, Long> DATES = new ConcurrentHashMap<>();

  private static long date(String text) {
    Long cached = DATES.get(text);
    if (cached != null) {
      return cached;
    }
    long millis = Instant.parse(text).toEpochMilli();
    if (DATES.size() > 100_000) {
      DATES.clear();
    }
    DATES.put(text, millis);
    return millis;
  }

  private static List<Seg> segments(String text) {
    List<Seg> out = new ArrayList<>();
    long msn = 0;
    long pdt = 0;
    List<Long> parts = new ArrayList<>();
    boolean inf = false;
    for (String line : text.split("\n")) {
      if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
        msn = Long.parseLong(line.substring(22));
      } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
        pdt = date(line.substring(25));
      } else if (line.startsWith("#EXT-X-PART:")) {
        String d = line.substring(line.indexOf("DURATION=") + 9);
        parts.add(new java.math.BigDecimal(d.substring(0, d.indexOf(','))).movePointRight(3).longValue());
      } else if (line.startsWith("#EXTINF:")) {
        inf = true;
      } else if (inf && !line.startsWith("#") && !line.isEmpty()) {
        out.add(new Seg(msn++, pdt, parts, true));
        parts = new ArrayList<>();
        inf = false;
      }
    }
    if (!parts.isEmpty()) {
      out.add(new Seg(msn, pdt, parts, false));
    }
    return out;
  }

  /**
   * The timecode of the frame whose arrival completes part {@code part} of segment {@code msn}: the
   * next part's first frame, or the segment's last frame (the end-of-fragment tag follows it); null
   * when the playlist does not say.
   */
  private static Long completingFrame(List<Seg> segs, long msn, int part) {
    for (Seg s : segs) {
      if (s.msn() == msn && part < s.partsMs().size()) {
        long at = s.pdtMs();
        for (int i = 0; i <= part; i++) {
          at += s.partsMs().get(i);
        }
        return s.complete() && part == s.partsMs().size() - 1 ? at - FRAME_MS : at;
      }
    }
    return null;
  }

  /** An LL-HLS player: blocking playlist reloads back to back, each for the next part. */
  private final class LlViewer {
    final String uri;

    LlViewer(String token) {
      this.uri = "/hls/v1/getHLSMediaPlaylist.m3u8?" + token + "&TrackNumber=1";
    }

    void start() {
      load(-1, -1);
    }

    void load(long msn, int part) {
      if (!running) {
        return;
      }
      get(msn < 0 ? uri : uri + "&_HLS_msn=" + msn + "&_HLS_part=" + part).onSuccess(text -> {
        long now = System.nanoTime();
        List<Seg> segs = segments(text);
        if (msn >= 0 && measuring) {
          Long tc = completingFrame(segs, msn, part);
          Long sent = tc == null ? null : frameSent.get(tc);
          if (sent != null) {
            released.add(now - sent);
            boolean last = (tc / FRAME_MS) % FPS == FPS - 1;
            (last ? releasedLast : releasedInner).add(now - sent);
            Long next = last ? frameSent.get(tc + FRAME_MS) : null;
            if (next != null && next <= now) {
              releasedLastFromNext.add(now - next);
            }
          }
        }
        Seg last = segs.get(segs.size() - 1);
        if (!last.complete()) {
          load(last.msn(), last.partsMs().size());
        } else {
          load(last.msn() + 1, 0);
        }
      }).onFailure(e -> {
        if (running) {
          failures.incrementAndGet();
          clientVertx.setTimer(100, id -> load(-1, -1));
        }
      });
    }
  }

  /** Streams 1 s fragments at 30 fps for {@code seconds}; each ends with an end-of-fragment tag after its last frame. */
  private CompletableFuture<Void> produce(long seconds) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    byte[] payload = new byte[frameBytes];
    new Random(7).nextBytes(payload);
    Buffer endOfFragment = Buffer.buffer(MkvWriter.KVS.tags(SimpleTag.of("AWS_KINESISVIDEO_END_OF_FRAGMENT", "")));
    long total = seconds * FPS;
    RequestOptions o = options(HttpMethod.POST, "/putMedia")
        .putHeader("x-amzn-stream-name", "live")
        .putHeader("x-amzn-fragment-timecode-type", "ABSOLUTE")
        .putHeader("x-amzn-producer-start-timestamp", "0");
    clientVertx.runOnContext(v -> client.request(o).onFailure(done::completeExceptionally).onSuccess(req -> {
      req.setChunked(true);
      req.response().onSuccess(resp -> resp.handler(b -> {
        if (b.toString().contains("\"ERROR\"") || resp.statusCode() != 200) {
          System.err.println("producer: " + resp.statusCode() + " " + b);
        }
      }).endHandler(x -> done.complete(null)));
      req.write(BenchMedia.streamHeader());
      long start = System.nanoTime();
      long[] k = {0};
      clientVertx.setPeriodic(1, id -> {
        // frames due by the wall clock, so the pace holds whatever the timer's granularity
        while (k[0] < total && System.nanoTime() - start >= k[0] * FRAME_MS * 1_000_000L) {
          long i = k[0]++;
          long tc = i * FRAME_MS;
          Buffer b = Buffer.buffer(frameBytes + 64);
          if (i % FPS == 0) {
            b.appendBytes(MkvWriter.KVS.clusterStart(tc, -1));
          }
          int rel = (int) (tc - (i - i % FPS) * FRAME_MS);
          b.appendBytes(MkvWriter.KVS.simpleBlockHeader(1, rel, i % FPS == 0 ? MkvWriter.FLAG_KEY : 0, frameBytes))
              .appendBytes(payload);
          if (i % FPS == FPS - 1) {
            b.appendBuffer(endOfFragment);
            lastFrameSent.put(tc, System.nanoTime());
          }
          frameSent.put(tc, System.nanoTime());
          req.write(b);
        }
        if (k[0] >= total || !running) {
          clientVertx.cancelTimer(id);
          req.end();
        }
      });
    }));
    return done;
  }

  private void close() throws Exception {
    clientVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (stack != null) {
      stack.close();
    } else {
      serverProcess.getOutputStream().close(); // the server ends when its standard input does
      if (!serverProcess.waitFor(30, TimeUnit.SECONDS)) {
        serverProcess.destroyForcibly();
      }
    }
  }

  /** {@code serve}: the server alone, its stream created; prints {@code port N}, runs until standard input ends. */
  private static void serve() throws Exception {
    try (BenchStack server = new BenchStack(true, PlaybackConfig.DEFAULTS)) {
      server.createStream("live", 24);
      System.out.println("port " + server.port);
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the load generator to close our standard input
      }
    }
  }

  private static Process startServerProcess() throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx2g"));
    // e.g. -Dvidlog.bench.serverJvm=-XX:StartFlightRecording=filename=server.jfr to profile the server alone
    String extra = System.getProperty("vidlog.bench.serverJvm", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), HlsLiveLoad.class.getName(), "serve"));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** The port the server process prints; lines before it (its JVM's own, a flight recording's) are skipped. */
  private static int serverPort(Process server) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("port ")) {
        return Integer.parseInt(line.substring("port ".length()).strip());
      }
    }
    throw new IOException("the server process ended without printing its port");
  }

  /** CPU time the server process used so far (utime + stime of /proc/PID/stat), 0 when it runs in this JVM. */
  private long serverCpuNanos() throws IOException {
    if (serverProcess == null) {
      return 0;
    }
    String stat = Files.readString(Path.of("/proc", Long.toString(serverProcess.pid()), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }
}
