package io.vidlog.bench.playback;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.playback.PlaybackConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Live frame latency (docs/architecture.md §Live path): one producer streams MKV through {@code /putMedia} at
 * 30 frames/s (16 KB frames, a new fragment every second) over TLS on loopback, while
 * {@link #readers} GetMedia NOW readers over TLS parse their responses with vidlog's MkvReader. For
 * each frame a reader receives, latency = receive time − the moment the producer handed the frame's
 * bytes to its socket (frames are matched by their absolute timecode). In the same run, each
 * frame's PERSISTED latency = arrival of its fragment's PERSISTED ack − the same send time.
 *
 * <p>Each op first streams the same frames through a bare relay on the same server
 * ({@link LiveRelay}: POSTed bytes fanned out to as many readers, no parsing, no store), then
 * through vidlog, for {@link #seconds} seconds each, and prints both and vidlog's p99 as a multiple
 * of the relay's (the goal is at most 1.5). Readers the box cannot carry are cut off as slow
 * consumers on both paths (counted), never the producer slowed.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar LiveLatencyBench -f 1 -wi 3 -i 5 -p readers=100,1000}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LiveLatencyBench {
  private static final int FPS = 30;
  private static final int FRAME_MS = 33;

  @Param({"100", "1000"})
  public int readers;
  @Param({"5"})
  public int seconds;
  @Param({"16384"})
  public int frameBytes;

  private BenchStack stack;
  private Vertx clientVertx;
  private HttpClient client;
  private int run;
  private final Latencies live = new Latencies();
  private final Latencies persisted = new Latencies();
  private final Latencies relayed = new Latencies();
  private final Latencies allLive = new Latencies();
  private final Latencies allPersisted = new Latencies();
  private final Latencies allRelayed = new Latencies();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    stack = new BenchStack(true, PlaybackConfig.DEFAULTS.withGetMediaConnectionsPerStream(readers + 1));
    clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    client = clientVertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setTcpNoDelay(true).setSslHandshakeTimeout(120).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
        .setConnectTimeout(120_000), new PoolOptions().setHttp1MaxSize(readers + 10));
    System.out.printf("%n# live latency: %d NOW readers, %d fps, %d B frames, TLS loopback, %d cores%n", readers,
        FPS, frameBytes, Runtime.getRuntime().availableProcessors());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    System.out.println("# all iterations, warm-up included: relay " + allRelayed.summary());
    System.out.println("# all iterations, warm-up included: live " + allLive.summary());
    System.out.println("# all iterations, warm-up included: persisted " + allPersisted.summary());
    System.out.printf("# all iterations: live p99 / relay p99 = %.2f (goal <= 1.5); readers cut off: relay %d, "
        + "live feed %d%n", allLive.percentileMillis(99) / allRelayed.percentileMillis(99), stack.relay.cutOff(),
        feedCutOffs());
    clientVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    stack.close();
  }

  @Benchmark
  public int stream() throws Exception {
    relayed.clear();
    live.clear();
    persisted.clear();
    // the floor first: the same frames through the bare relay, to as many readers
    ConcurrentHashMap<Long, Long> relaySent = new ConcurrentHashMap<>();
    List<HttpClientRequest> relayReaders = connectReaders("/relay/out", "{}", relaySent, relayed, allRelayed,
        () -> stack.relay.readers());
    produce(options("/relay/in"), relaySent, false).get(seconds + 60L, TimeUnit.SECONDS);
    stopReaders(relayReaders);

    String name = "live-" + (run++);
    stack.createStream(name, 24);
    ConcurrentHashMap<Long, Long> sentAt = new ConcurrentHashMap<>();
    String body = new JsonObject().put("StreamName", name)
        .put("StartSelector", new JsonObject().put("StartSelectorType", "NOW")).encode();
    List<HttpClientRequest> readerRequests = connectReaders("/getMedia", body, sentAt, live, allLive,
        () -> (int) stack.feeds.subscribers());
    RequestOptions put = options("/putMedia")
        .putHeader("x-amzn-stream-name", name)
        .putHeader("x-amzn-fragment-timecode-type", "ABSOLUTE")
        .putHeader("x-amzn-producer-start-timestamp", Double.toString(System.currentTimeMillis() / 1000.0))
        .putHeader("x-amzn-fragment-acknowledgment-required", "1");
    produce(put, sentAt, true).get(seconds + 60L, TimeUnit.SECONDS);
    stopReaders(readerRequests);
    System.out.println("  relay     " + relayed.summary());
    System.out.println("  live      " + live.summary());
    System.out.println("  persisted " + persisted.summary());
    System.out.printf("  live p99 / relay p99 = %.2f; readers cut off so far: relay %d, live feed %d%n",
        live.percentileMillis(99) / relayed.percentileMillis(99), stack.relay.cutOff(), feedCutOffs());
    return live.count();
  }

  private long feedCutOffs() {
    long n = 0;
    for (LiveFeed.CutOff.Reason r : LiveFeed.CutOff.Reason.values()) {
      n += stack.feeds.cutOffs(r);
    }
    return n;
  }

  /** Opens {@link #readers} readers of {@code uri} and waits until the server counts them all. */
  private List<HttpClientRequest> connectReaders(String uri, String body, ConcurrentHashMap<Long, Long> sentAt,
      Latencies into, Latencies all, IntSupplier connected) throws Exception {
    List<HttpClientRequest> readerRequests = new ArrayList<>();
    List<Future<HttpClientResponse>> started = new ArrayList<>();
    CompletableFuture<Void> allStarted = new CompletableFuture<>();
    clientVertx.runOnContext(v -> {
      for (int r = 0; r < readers; r++) {
        started.add(client.request(options(uri)).compose(req -> {
          synchronized (readerRequests) {
            readerRequests.add(req);
          }
          return req.send(Buffer.buffer(body));
        }).onSuccess(resp -> read(resp, sentAt, into, all)));
      }
      Future.all(started).onComplete(ar -> {
        if (ar.succeeded()) {
          allStarted.complete(null);
        } else {
          allStarted.completeExceptionally(ar.cause());
        }
      });
    });
    allStarted.get(120, TimeUnit.SECONDS);
    while (connected.getAsInt() < readers) {
      Thread.sleep(5); // benchmark set-up only: readers subscribe right after their response starts
    }
    return readerRequests;
  }

  private void stopReaders(List<HttpClientRequest> readerRequests) throws Exception {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    clientVertx.runOnContext(v -> {
      synchronized (readerRequests) {
        readerRequests.forEach(HttpClientRequest::reset);
      }
      stopped.complete(null);
    });
    stopped.get(10, TimeUnit.SECONDS);
  }

  private RequestOptions options(String uri) {
    return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(stack.port).setURI(uri);
  }

  private void read(HttpClientResponse resp, ConcurrentHashMap<Long, Long> sentAt, Latencies into, Latencies all) {
    MkvReader reader = new MkvReader(new MkvHandler() {
      @Override
      public void onFrame(MkvFrame frame) {
        Long sent = sentAt.get(frame.timecodeNs() / 1_000_000L);
        if (sent != null) {
          long nanos = System.nanoTime() - sent;
          into.add(nanos);
          all.add(nanos);
        }
      }
    });
    resp.exceptionHandler(e -> { });
    resp.handler(buf -> reader.feed(((BufferInternal) buf).getByteBuf().nioBuffer()));
  }

  /**
   * Streams {@link #seconds} s of frames at 30 fps, then ends the body and waits for the response to
   * end (after the last acks, when {@code acks}).
   */
  private CompletableFuture<Void> produce(RequestOptions o, ConcurrentHashMap<Long, Long> sentAt, boolean acks) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    byte[] payload = new byte[frameBytes];
    new Random(7).nextBytes(payload);
    int total = seconds * FPS;
    clientVertx.runOnContext(v -> client.request(o).onFailure(done::completeExceptionally).onSuccess(req -> {
      req.setChunked(true);
      req.response().onFailure(done::completeExceptionally).onSuccess(resp -> {
        StringBuilder lines = new StringBuilder();
        resp.handler(buf -> {
          lines.append(buf.toString());
          int nl;
          while ((nl = lines.indexOf("\n")) >= 0) {
            String line = lines.substring(0, nl).trim();
            lines.delete(0, nl + 1);
            if (acks && line.startsWith("{")) {
              onAck(new JsonObject(line), sentAt);
            }
          }
        });
        resp.endHandler(x -> done.complete(null));
      });
      req.write(BenchMedia.streamHeader());
      int[] k = {0};
      clientVertx.setPeriodic(FRAME_MS, id -> {
        int i = k[0]++;
        if (i >= total) {
          clientVertx.cancelTimer(id);
          req.end();
          return;
        }
        long tc = (long) i * FRAME_MS;
        Buffer b = Buffer.buffer(frameBytes + 64);
        if (i % FPS == 0) {
          b.appendBytes(MkvWriter.KVS.clusterStart(tc, -1));
        }
        int rel = (int) (tc - (long) (i - i % FPS) * FRAME_MS);
        b.appendBytes(MkvWriter.KVS.simpleBlockHeader(1, rel, i % FPS == 0 ? MkvWriter.FLAG_KEY : 0, frameBytes))
            .appendBytes(payload);
        sentAt.put(tc, System.nanoTime());
        req.write(b);
      });
    }));
    return done;
  }

  private void onAck(JsonObject ack, ConcurrentHashMap<Long, Long> sentAt) {
    if (!"PERSISTED".equals(ack.getString("EventType"))) {
      return;
    }
    long now = System.nanoTime();
    long clusterTc = ack.getLong("FragmentTimecode");
    for (int j = 0; j < FPS; j++) {
      Long sent = sentAt.get(clusterTc + (long) j * FRAME_MS);
      if (sent != null) {
        persisted.add(now - sent);
        allPersisted.add(now - sent);
      }
    }
  }
}
