package io.vidlog.bench.playback;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.Tag;
import io.vidlog.playback.PlaybackConfig;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Replay throughput of stored fragments to one GetMedia reader (EARLIEST) over loopback: the
 * sealed chunks are read from the fs store, decrypted segment by segment, tagged and streamed with
 * back-pressure; the reader parses the whole response with vidlog's MkvReader and stops at the last
 * fragment's continuation token. Each op replays the whole stream; the figure is printed in MB/s
 * (response bytes / op time).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ReplayThroughputBench -f 1 -wi 8 -i 8 -p chunks=sealed}
 * (the target for the sealed figure is at least 300 MB/s). The JIT is still compiling the HTTP, EBML
 * and GCM paths during the first 10-20 s, so figures keep rising well past 8 warm-up iterations on a
 * busy two-core machine: compare variants only within one session, alternating them, with the load
 * average beside each median.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReplayThroughputBench {
  @Param({"false"})
  public boolean tls;
  /** {@code sealed}: vidlog's fs store, decrypting; {@code memory}: plaintext chunks in memory (playback path only). */
  @Param({"sealed", "memory"})
  public String chunks;
  @Param({"48"})
  public int fragments;
  /** 30 frames of 64 KB: about 2 MB per fragment, a 2 s fragment at 8 Mbit/s. */
  @Param({"65536"})
  public int frameBytes;

  private BenchStack stack;
  private Vertx clientVertx;
  private HttpClient client;
  private String lastNumber;
  private long storedBytes;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    stack = new BenchStack(tls, PlaybackConfig.DEFAULTS, "memory".equals(chunks));
    StreamInfo s = stack.createStream("replay", 24);
    Random random = new Random(1);
    long base = System.currentTimeMillis() - 3_600_000L;
    for (int i = 0; i < fragments; i++) {
      BenchMedia.Chunk c = BenchMedia.chunk(i, base, 30, frameBytes, random);
      stack.persist(s, c);
      storedBytes += c.mkv().length();
      lastNumber = c.header().number().value();
    }
    clientVertx = Vertx.vertx();
    client = clientVertx.createHttpClient(new HttpClientOptions().setSsl(tls).setTrustAll(true).setVerifyHost(false));
    System.out.printf("%n# replay: %d fragments, %.1f MB stored MKV, chunks=%s, tls=%s, %d cores%n", fragments,
        storedBytes / 1e6, chunks, tls, Runtime.getRuntime().availableProcessors());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    clientVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    stack.close();
  }

  @Benchmark
  public long replay() throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    long start = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(stack.port).setURI("/getMedia");
    String body = new JsonObject().put("StreamName", "replay")
        .put("StartSelector", new JsonObject().put("StartSelectorType", "EARLIEST")).encode();
    clientVertx.runOnContext(v -> client.request(options).compose(req -> req.send(Buffer.buffer(body)))
        .onFailure(done::completeExceptionally)
        .onSuccess(resp -> {
          long[] bytes = {0};
          MkvReader reader = new MkvReader(new MkvHandler() {
            @Override
            public void onTags(List<Tag> tags, ByteBuffer raw) {
              for (Tag t : tags) {
                for (SimpleTag st : t.simpleTags()) {
                  if ("AWS_KINESISVIDEO_CONTINUATION_TOKEN".equals(st.name()) && lastNumber.equals(st.value())) {
                    done.complete(bytes[0]);
                    resp.request().reset();
                  }
                }
              }
            }
          });
          resp.exceptionHandler(e -> done.completeExceptionally(e));
          resp.handler(buf -> {
            if (done.isDone()) {
              return;
            }
            bytes[0] += buf.length();
            reader.feed(((BufferInternal) buf).getByteBuf().nioBuffer());
          });
        }));
    long bytes = done.get(120, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("  replayed %.1f MB in %.3f s: %.0f MB/s%n", bytes / 1e6, seconds, bytes / 1e6 / seconds);
    return bytes;
  }
}
