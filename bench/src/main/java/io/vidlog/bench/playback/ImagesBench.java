package io.vidlog.bench.playback;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.NalUnits;
import io.vidlog.playback.PlaybackConfig;
import io.vidlog.playback.images.JcodecDecoders;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.common.logging.LogLevel;
import org.jcodec.common.logging.Logger;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * GetImages costs on this machine, with real H.264 made by ffmpeg (on the PATH): 10 s of a moving
 * 640×360 pattern at 25 fps, High profile, a key frame every 2 s.
 * <ol>
 *   <li>jcodec decode rate on one thread: every frame decoded in order, repeatedly, as frames per
 *       second of that thread's CPU time (and of wall time);</li>
 *   <li>time to the first image of a page: POST /getImages with MaxResults 1 over HTTP on the
 *       benchmark data plane (sealed fs store), at a key frame and at the last frame of a group
 *       of pictures (49 frames to decode), median of 10 after warm-up;</li>
 *   <li>a full page: 25 JPEGs 200 ms apart (five seconds, three groups of pictures).</li>
 * </ol>
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.vidlog.bench.playback.ImagesBench}
 */
public final class ImagesBench {
  static final int FPS = 25;
  static final int SECONDS = 10;

  private ImagesBench() {}

  record Source(TrackEntry track, List<MkvFrame> frames) {}

  public static void main(String[] args) throws Exception {
    Logger.setLevel(LogLevel.ERROR);
    Path dir = Files.createTempDirectory("vidlog-images-bench");
    Path mkv = dir.resolve("source.mkv");
    Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=640x360:rate=" + FPS, "-t", String.valueOf(SECONDS), "-c:v", "libx264", "-profile:v", "high",
        "-g", String.valueOf(2 * FPS), "-keyint_min", String.valueOf(2 * FPS), "-sc_threshold", "0", "-pix_fmt",
        "yuv420p", "-f", "matroska", mkv.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("ffmpeg failed");
    }
    Source src = read(Files.readAllBytes(mkv));
    System.out.printf("# %d cores, %d frames of 640x360 H.264 High, %d KB%n", Runtime.getRuntime().availableProcessors(),
        src.frames().size(), Files.size(mkv) / 1024);
    decodeRate(src);
    serve(src);
    Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    System.exit(0);
  }

  static Source read(byte[] mkv) {
    TrackEntry[] track = new TrackEntry[1];
    List<MkvFrame> frames = new ArrayList<>();
    MkvReader r = new MkvReader(new MkvHandler() {
      @Override
      public void onTracks(List<TrackEntry> tracks, ByteBuffer raw) {
        track[0] = tracks.get(0);
      }

      @Override
      public void onFrame(MkvFrame f) {
        byte[] copy = new byte[f.payload().remaining()];
        f.payload().duplicate().get(copy);
        frames.add(new MkvFrame(f.trackNumber(), 0, 0, f.timecodeNs(), f.keyFrame(), f.flags(), -1, ByteBuffer.wrap(copy)));
      }
    });
    r.feed(ByteBuffer.wrap(mkv));
    r.end();
    return new Source(track[0], frames);
  }

  /** Frames per second of one thread's CPU: every frame in decode order, key frames with SPS/PPS in front. */
  static void decodeRate(Source src) {
    AvcConfig c = AvcConfig.parse(src.track().codecPrivate());
    ByteArrayOutputStream sets = new ByteArrayOutputStream();
    for (List<byte[]> l : List.of(c.sps(), c.pps())) {
      for (byte[] n : l) {
        sets.writeBytes(new byte[] {0, 0, 0, 1});
        sets.writeBytes(n);
      }
    }
    byte[] prefix = sets.toByteArray();
    byte[][] buffer = Picture.create(640 + 32, 368 + 32, ColorSpace.YUV420J).getData();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int pass = 0; pass < 8; pass++) {
      // a fresh decoder each pass, its thread pool off, as GetImages uses it (one worker thread)
      H264Decoder decoder = JcodecDecoders.singleThreaded();
      long cpu0 = mx.getCurrentThreadCpuTime();
      long proc0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      // each frame to Annex-B (jcodec unescapes NAL units in place: every decode gets its own copy),
      // the parameter sets before key frames, as GetImages feeds it
      for (MkvFrame f : src.frames()) {
        ByteBuffer annexB = NalUnits.toAnnexB(f.payload().duplicate(), c.lengthSize());
        if (f.keyFrame()) {
          ByteBuffer b = ByteBuffer.allocate(prefix.length + annexB.remaining());
          b.put(prefix).put(annexB).flip();
          annexB = b;
        }
        if (decoder.decodeFrame(annexB, buffer) == null) {
          throw new IllegalStateException("no picture");
        }
      }
      double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
      double proc = (os.getProcessCpuTime() - proc0) / 1e9;
      double wall = (System.nanoTime() - wall0) / 1e9;
      System.out.printf("decode pass %d%s: %.0f frames per thread-CPU second (%.0f per wall second; process CPU %.2f s"
          + " for thread CPU %.2f s); load average %.2f%n", pass, pass < 3 ? " (warm-up)" : "", src.frames().size() / cpu,
          src.frames().size() / wall, proc, cpu, os.getSystemLoadAverage());
    }
  }

  /** GetImages over HTTP: the first image of a page at a key frame and at a group's last frame, and a full page. */
  static void serve(Source src) throws Exception {
    try (BenchStack stack = new BenchStack(false, PlaybackConfig.DEFAULTS)) {
      StreamInfo s = stack.createStream("images", 24);
      long base = System.currentTimeMillis() - 3_600_000L;
      persistByGop(stack, s, src, base);
      Vertx vertx = Vertx.vertx();
      HttpClient client = vertx.createHttpClient();
      try {
        long gopMillis = 2000;
        for (int warm = 0; warm < 5; warm++) {
          page(vertx, client, stack.port, base, 0, 1, 200);
          page(vertx, client, stack.port, base, gopMillis - 40, 1, 200);
        }
        report("first image at a key frame (1 frame decoded)", vertx, client, stack.port, base, 4 * gopMillis, 1);
        report("first image at a group's last frame (50 frames decoded)", vertx, client, stack.port, base,
            4 * gopMillis + gopMillis - 40, 1);
        report("a page of 25 images 200 ms apart", vertx, client, stack.port, base, 0, 25);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  static void report(String what, Vertx vertx, HttpClient client, int port, long base, long atMillis, int images)
      throws Exception {
    long[] ms = new long[10];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      int got = page(vertx, client, port, base, atMillis, images, 200);
      ms[i] = (System.nanoTime() - t0) / 1_000_000;
      if (got != images) {
        throw new IllegalStateException(got + " images of " + images);
      }
    }
    Arrays.sort(ms);
    System.out.printf("%s: median %d ms, min %d ms, max %d ms%n", what, ms[ms.length / 2], ms[0], ms[ms.length - 1]);
  }

  /** One GetImages page of JPEGs from {@code base + atMillis}; returns how many images it held. */
  static int page(Vertx vertx, HttpClient client, int port, long base, long atMillis, int images, int interval)
      throws Exception {
    long from = base + atMillis;
    String body = new JsonObject().put("StreamName", "images").put("ImageSelectorType", "PRODUCER_TIMESTAMP")
        .put("StartTimestamp", from / 1000.0).put("EndTimestamp", (from + (long) (images - 1) * interval) / 1000.0)
        .put("SamplingInterval", interval).put("Format", "JPEG").put("MaxResults", images).encode();
    CompletableFuture<JsonObject> done = new CompletableFuture<>();
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/getImages");
    vertx.runOnContext(v -> client.request(o).compose(req -> req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException(resp.statusCode() + " " + b);
          }
          return b.toJsonObject();
        })).onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(ar.result());
          } else {
            done.completeExceptionally(ar.cause());
          }
        }));
    JsonObject r = done.get(120, TimeUnit.SECONDS);
    int n = 0;
    for (Object i : r.getJsonArray("Images")) {
      if (((JsonObject) i).containsKey("ImageContent")) {
        n++;
      }
    }
    return n;
  }

  /** The frames as stored fragments cut at key frames, producer timestamps from {@code base}. */
  static void persistByGop(BenchStack stack, StreamInfo s, Source src, long base) throws Exception {
    MkvWriter w = MkvWriter.KVS;
    List<List<MkvFrame>> gops = new ArrayList<>();
    for (MkvFrame f : src.frames()) {
      if (f.keyFrame() || gops.isEmpty()) {
        gops.add(new ArrayList<>());
      }
      gops.get(gops.size() - 1).add(f);
    }
    for (int g = 0; g < gops.size(); g++) {
      List<MkvFrame> frames = gops.get(g);
      long first = frames.stream().mapToLong(MkvFrame::timecodeNs).min().orElseThrow() / 1_000_000;
      Buffer mkv = Buffer.buffer().appendBytes(w.ebmlHeader()).appendBytes(w.segmentStartUnknownSize())
          .appendBytes(w.info(new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, "b", "b", null)))
          .appendBytes(w.tracks(List.of(src.track())));
      long clusterOffset = mkv.length();
      mkv.appendBytes(w.clusterStart(first, -1));
      long last = first;
      for (MkvFrame f : frames) {
        long ms = f.timecodeNs() / 1_000_000;
        last = Math.max(last, ms);
        byte[] data = new byte[f.payload().remaining()];
        f.payload().duplicate().get(data);
        mkv.appendBytes(w.simpleBlock(1, (int) (ms - first), f.keyFrame() ? MkvWriter.FLAG_KEY : 0, data));
      }
      ChunkHeader h = new ChunkHeader(new FragmentNumber(String.format("%020d", 1_000_000 + g)), base + first,
          base + first, last - first + 1000 / FPS, first, List.of(new ChunkHeader.TrackSummary(1,
              src.track().codecId(), frames.size())), List.of(), clusterOffset, mkv.length());
      stack.persist(s, new BenchMedia.Chunk(h, mkv));
    }
  }
}
