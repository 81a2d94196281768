package io.vidlog.bench.playback;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.media.mkv.MkvWriter;
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
 * GetClip end to end over loopback: {@code fragments} sealed chunks in the fs store (30 frames of
 * {@code frameBytes} each, length-prefixed NAL units), one POST /getClip for all of them; the server
 * reads and decrypts every chunk twice (plan, then payload) and streams the MP4 with back-pressure
 * to a client that counts and drops the bytes. Each op prints the clip's size and MB/s.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ClipServeBench -f 1 -wi 8 -i 10 -p chunks=sealed}
 * (compare with {@code ReplayThroughputBench}, one reading of the same chunks, in the same session)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ClipServeBench {
  /** 48 fragments of about 2 MB: a 96 MB clip, under KVS's 100 MB. */
  @Param({"48"})
  public int fragments;
  @Param({"65536"})
  public int frameBytes;
  /** {@code sealed}: vidlog's fs store, decrypting (twice); {@code memory}: plaintext chunks in memory (clip path only). */
  @Param({"sealed", "memory"})
  public String chunks;

  private BenchStack stack;
  private Vertx clientVertx;
  private HttpClient client;
  private long base;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    stack = new BenchStack(false, PlaybackConfig.DEFAULTS, "memory".equals(chunks));
    StreamInfo s = stack.createStream("clip", 24);
    Random random = new Random(1);
    base = System.currentTimeMillis() - 3_600_000L;
    long stored = 0;
    for (int i = 0; i < fragments; i++) {
      BenchMedia.Chunk c = chunk(i, base, random);
      stack.persist(s, c);
      stored += c.mkv().length();
    }
    clientVertx = Vertx.vertx();
    client = clientVertx.createHttpClient(new HttpClientOptions());
    System.out.printf("%n# clip: %d fragments, %.1f MB stored MKV, chunks=%s, %d cores%n", fragments, stored / 1e6,
        chunks, Runtime.getRuntime().availableProcessors());
  }

  /** As {@link BenchMedia#chunk}, each frame one length-prefixed NAL unit (GetClip checks the framing). */
  private BenchMedia.Chunk chunk(int i, long serverMillis, Random random) {
    MkvWriter mkvWriter = BenchMedia.MKV;
    Buffer mkv = BenchMedia.streamHeader();
    long clusterOffset = mkv.length();
    long timecode = (long) i * 30 * 33;
    mkv.appendBytes(mkvWriter.clusterStart(timecode, -1));
    byte[] payload = new byte[frameBytes];
    for (int j = 0; j < 30; j++) {
      random.nextBytes(payload);
      ByteBuffer.wrap(payload).putInt(frameBytes - 4);
      mkv.appendBytes(mkvWriter.simpleBlockHeader(1, j * 33, j == 0 ? MkvWriter.FLAG_KEY : 0, frameBytes))
          .appendBytes(payload);
    }
    FragmentNumber number = new FragmentNumber(String.format("%020d", 1_000_000 + i));
    ChunkHeader header = new ChunkHeader(number, serverMillis + timecode, timecode, 30 * 33L, timecode,
        List.of(new ChunkHeader.TrackSummary(1, BenchMedia.CODEC_ID, 30)), List.of(), clusterOffset, mkv.length());
    return new BenchMedia.Chunk(header, mkv);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    clientVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    stack.close();
  }

  @Benchmark
  public long clip() throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    long start = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(stack.port).setURI("/getClip");
    String body = new JsonObject().put("StreamName", "clip").put("ClipFragmentSelector", new JsonObject()
        .put("FragmentSelectorType", "SERVER_TIMESTAMP").put("TimestampRange", new JsonObject()
            .put("StartTimestamp", base / 1000.0).put("EndTimestamp", (base + 3_000_000) / 1000.0))).encode();
    clientVertx.runOnContext(v -> client.request(options).compose(req -> req.send(Buffer.buffer(body)))
        .onFailure(done::completeExceptionally)
        .onSuccess(resp -> {
          if (resp.statusCode() != 200) {
            resp.body().onComplete(b -> done.completeExceptionally(new IllegalStateException(resp.statusCode() + " "
                + b.result())));
            return;
          }
          long expected = Long.parseLong(resp.getHeader("Content-Length"));
          long[] bytes = {0};
          resp.exceptionHandler(done::completeExceptionally);
          resp.handler(buf -> bytes[0] += buf.length());
          resp.endHandler(e -> {
            if (bytes[0] == expected) {
              done.complete(bytes[0]);
            } else {
              done.completeExceptionally(new IllegalStateException(bytes[0] + " of " + expected + " bytes"));
            }
          });
        }));
    long bytes = done.get(120, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("  clip of %.1f MB in %.3f s: %.0f MB/s%n", bytes / 1e6, seconds, bytes / 1e6 / seconds);
    return bytes;
  }
}
