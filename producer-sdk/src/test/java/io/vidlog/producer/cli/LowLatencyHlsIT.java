package io.vidlog.producer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.producer.SignedCalls;
import io.vidlog.producer.TimestampType;
import io.vidlog.producer.VidlogClient;
import io.vidlog.producer.testing.TestVidlog;
import io.vidlog.server.support.HlsJsPage;
import io.vidlog.server.support.Programs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LL-HLS end to end (docs/wire-protocol.md §3.5, "Low-Latency HLS"), as a user meets it: the CLI's
 * test-pattern camera ({@code vidlog camera}: 160x120 at 25 frames/s, a key frame a second, each frame sent as it
 * is made and stamped with the wall clock) streams to a server while hls.js from npm with
 * {@code lowLatencyMode}, configured as the web player configures it, plays the LIVE session in
 * headless Chromium for 60 s, one fragment's next-to-last part buffered late every 20 s: no fatal
 * error and no stall after start-up (but for one per time
 * Chromium dropped its connections because the host's network changed, which its network log
 * shows). The latency of the frame on
 * screen (its producer timestamp against the wall clock) is sampled twice a second, from hls.js's
 * {@code playingDate} (PROGRAM-DATE-TIME) and from the media's decode times, and its distribution
 * printed and saved under {@code target/hls-low-latency} with hls.js's trace and debug log (a measurement, not a
 * threshold; {@code -Dvidlog.ll.seconds=120} for a longer one). ffmpeg decodes the same session,
 * whose playlists carry the LL-HLS tags, without an error.
 *
 * <p>Here rather than in server: it runs the CLI jar this module's {@code package} phase builds.
 */
@Tag("interop")
class LowLatencyHlsIT {
  static final String STREAM = "ll-cam";
  static final Path ARTIFACTS = Path.of("target", "hls-low-latency");
  /** How long hls.js plays. */
  static final int SECONDS = Integer.getInteger("vidlog.ll.seconds", 60);
  /**
   * Every this many seconds of play the page makes one fragment's next-to-last part reach hls.js late:
   * buffered only after the playlist that completes its fragment (play.html {@code holdPart}), as a
   * slow transmux at start-up or on a busy machine does. hls.js alone then never loads the fragment's
   * last part and stalls; the web player's playlist gate (lowlatency.js) keeps it playing.
   */
  static final int HOLD_EVERY_SECONDS = 20;
  /** The server's {@code --hls-part-target-ms} (a measurement knob: latency against part length). */
  static final String PART_TARGET_MS = System.getProperty("vidlog.ll.part-target-ms", "200");

  @Test
  void hlsJsPlaysLowLatencyLiveForAMinuteWithoutAStallAndFfmpegDecodesTheSameSession(@TempDir Path dataDir,
      @TempDir Path work) throws Exception {
    try (TestVidlog vidlog = TestVidlog.start(dataDir, Map.of("hls-part-target-ms", PART_TARGET_MS)); VidlogClient client = vidlog.client();
        HlsJsPage page = new HlsJsPage(HlsJsPage.HlsJs.npm())) {
      // 160x120: the camera's pure-Java encoder shares two cores with the server, Chromium and the build;
      // at 320x240 it fell behind there and skipped frames, and the holes they left are stalls of the
      // producer's making, not the server's or the player's
      CliProcess camera = CliProcess.start(vidlog, work, "camera", "--stream", STREAM, "--size", "160x120", "--fps",
          "25", "--gop", "25", "--duration", String.valueOf(SECONDS + 90));
      try {
        // the camera creates the stream once its encoder is warm
        TailIT.await(() -> client.findStream(STREAM).isPresent() && !client.listFragments(STREAM,
            TimestampType.SERVER_TIMESTAMP, Instant.EPOCH, Instant.now().plusSeconds(60)).isEmpty(),
            "the camera's first fragment is stored");
        String live = SignedCalls.liveHlsWithProgramDateTime(vidlog, STREAM).toString();
        http2(URI.create(live));

        JsonObject played;
        try {
          played = page.play(live, SECONDS, work.resolve("profile-ll"), true, "&holdPart=" + HOLD_EVERY_SECONDS);
        } finally {
          Files.createDirectories(ARTIFACTS);
          Path log = work.resolve("profile-ll.log");
          if (Files.exists(log)) {
            Files.copy(log, ARTIFACTS.resolve("chromium.log"), StandardCopyOption.REPLACE_EXISTING);
          }
          Path netlog = work.resolve("profile-ll.netlog.json");
          if (Files.exists(netlog)) {
            Files.copy(netlog, ARTIFACTS.resolve("netlog.json"), StandardCopyOption.REPLACE_EXISTING);
          }
        }
        int networkChanges = networkChangeDrops(work.resolve("profile-ll.netlog.json"));
        boolean producing = camera.isAlive();
        JsonArray hlsLog = (JsonArray) played.remove("hlsLog");
        if (hlsLog != null) {
          Files.write(ARTIFACTS.resolve("hlsjs.log"), hlsLog.stream().map(String::valueOf).toList());
        }
        Files.writeString(ARTIFACTS.resolve("report.json"), played.encodePrettily());
        String figures = "hls.js " + page.version() + " lowLatencyMode, part target " + PART_TARGET_MS + " ms, " + SECONDS + " s, glass-to-glass latency (ms)"
            + " after the first 10 s of play: from playingDate " + figures(played.getJsonArray("latencies"))
            + "; from the media's decode times " + figures(played.getJsonArray("mediaLatencies")) + "; stalls "
            + played.getJsonArray("stalls") + " (waiting with the buffer ahead " + played.getJsonArray("waits")
            + "); next-to-last parts buffered late in fragments " + played.getJsonArray("holds")
            + "; HTTP/2 connections Chromium dropped for a network change "
            + networkChanges + "; hls.js errors " + played.getJsonArray("errors")
            + "; load average " + Files.readString(Path.of("/proc/loadavg")).strip();
        System.out.println(figures);
        Files.writeString(ARTIFACTS.resolve("latency-ms.txt"), figures + "\n");

        assertNull(played.getString("fatal"), played::encode);
        assertEquals(page.version(), played.getString("hlsVersion"));
        assertTrue(played.getValue("startedAt") != null, played::encode);
        assertTrue(played.getDouble("currentTime") - played.getDouble("startedAt") >= SECONDS, played::encode);
        assertTrue(played.getInteger("totalVideoFrames") > 0, played::encode);
        // the host's interfaces change under a shared machine's other work (virtual links come and go):
        // Chromium then closes every connection (ERR_NETWORK_CHANGED), the requests on them fail, and
        // hls.js retries after a delay its short LL-HLS buffer does not cover. Such a stall is the
        // browser's; any other is not allowed
        JsonArray stalls = played.getJsonArray("stalls");
        assertTrue(stalls.size() <= networkChanges, () -> "no stall after start-up but one per connection drop for a"
            + " network change: " + figures);
        assertTrue(producing, "played while the camera streamed");
        assertTrue(played.getJsonArray("holds").size() >= SECONDS / HOLD_EVERY_SECONDS - 1,
            () -> "a part buffered late every " + HOLD_EVERY_SECONDS + " s: " + figures);

        // the same session in ffmpeg: the LL-HLS tags are ignored, the segments play
        Programs.Result ffmpeg = Programs.run(120, "ffmpeg", "-nostdin", "-v", "error", "-tls_verify", "0",
            "-i", live, "-t", "8", "-f", "null", "-");
        assertEquals(0, ffmpeg.exit(), ffmpeg::toString);
        assertEquals("", ffmpeg.stderr().strip(), ffmpeg::toString);
      } finally {
        CliProcess.Result stopped = camera.stop();
        Files.createDirectories(ARTIFACTS);
        Files.writeString(ARTIFACTS.resolve("camera.log"), stopped.toString());
      }
    }
  }

  /**
   * Over HTTP/2 (ALPN offering h2 first, as browsers do), on one connection: the media playlist
   * carries the LL-HLS tags, its newest part is served, and a blocking reload for the part after it
   * is answered with a playlist that lists that part.
   */
  static void http2(URI master) throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.core.http.HttpClient h2 = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setSsl(true)
          .setTrustAll(true).setVerifyHost(false).setUseAlpn(true).setDecompressionSupported(true)
          .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2),
          new io.vertx.core.http.PoolOptions().setHttp2MaxSize(1));
      String top = get(h2, master).toString();
      assertTrue(top.startsWith("#EXTM3U"), top);
      URI playlist = master.resolve(top.lines().filter(l -> l.startsWith("getHLSMediaPlaylist")).findFirst()
          .orElseThrow());
      String[] text = {null};
      TailIT.await(() -> {
        text[0] = get(h2, playlist).toString();
        return text[0].contains("#EXT-X-PART:");
      }, "the playlist lists a part");
      assertTrue(text[0].contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES") && text[0].contains("#EXT-X-PART-INF:"),
          text[0]);
      List<String> parts = text[0].lines().filter(l -> l.startsWith("#EXT-X-PART:")).toList();
      String last = parts.get(parts.size() - 1);
      int from = last.indexOf("URI=\"") + 5;
      assertTrue(get(h2, playlist.resolve(last.substring(from, last.indexOf('"', from)))).length() > 0);
      long sequence = Long.parseLong(text[0].lines().filter(l -> l.startsWith("#EXT-X-MEDIA-SEQUENCE:")).findFirst()
          .orElseThrow().substring(22));
      long segments = text[0].lines().filter(l -> l.startsWith("#EXTINF:")).count();
      // the part after the newest one: of the segment in progress, or the first of the next
      boolean inProgress = text[0].lastIndexOf("#EXT-X-PART:") > text[0].lastIndexOf("#EXTINF:");
      long nextPart = inProgress ? text[0].substring(text[0].lastIndexOf("#EXTINF:")).lines()
          .filter(l -> l.startsWith("#EXT-X-PART:")).count() : 0;
      URI blocking = URI.create(playlist + "&_HLS_msn=" + (sequence + segments) + "&_HLS_part=" + nextPart);
      String held = get(h2, blocking).toString();
      long heldSequence = Long.parseLong(held.lines().filter(l -> l.startsWith("#EXT-X-MEDIA-SEQUENCE:")).findFirst()
          .orElseThrow().substring(22));
      long heldSegments = held.lines().filter(l -> l.startsWith("#EXTINF:")).count();
      long partsAfter = held.substring(held.lastIndexOf("#EXTINF:")).lines()
          .filter(l -> l.startsWith("#EXT-X-PART:")).count();
      assertTrue(heldSequence + heldSegments > sequence + segments || partsAfter > nextPart,
          "the held playlist lists the part asked for: " + blocking + "\n" + held);
    } finally {
      vertx.close().await(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** GET over HTTP/2: 200, and the body. */
  static io.vertx.core.buffer.Buffer get(io.vertx.core.http.HttpClient http, URI uri) {
    try {
      io.vertx.core.http.HttpClientResponse[] r = {null};
      io.vertx.core.buffer.Buffer body = http.request(new io.vertx.core.http.RequestOptions()
          .setMethod(io.vertx.core.http.HttpMethod.GET).setAbsoluteURI(uri.toString()))
          .compose(io.vertx.core.http.HttpClientRequest::send).compose(resp -> {
            r[0] = resp;
            return resp.body();
          }).await(20, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(200, r[0].statusCode(), uri + ": " + body);
      assertEquals(io.vertx.core.http.HttpVersion.HTTP_2, r[0].version(), uri.toString());
      return body;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * How often Chromium's network log (written with {@code --log-net-log}) closed its HTTP/2 sessions
   * because the host's network changed ({@code ERR_NETWORK_CHANGED}, -21).
   */
  static int networkChangeDrops(Path netlog) throws java.io.IOException {
    if (!Files.exists(netlog)) {
      return 0;
    }
    String text = Files.readString(netlog);
    String drop = "\"description\":\"Closing current sessions.\",\"net_error\":-21";
    int n = 0;
    for (int at = text.indexOf(drop); at >= 0; at = text.indexOf(drop, at + 1)) {
      n++;
    }
    return n;
  }

  /** p50, p95, min and max of the samples after the first 10 s (20 samples), and how many. */
  static String figures(JsonArray samples) {
    List<Long> all = new ArrayList<>();
    samples.forEach(v -> all.add(((Number) v).longValue()));
    if (all.size() <= 20) {
      return "(too few samples: " + all + ")";
    }
    List<Long> settled = new ArrayList<>(all.subList(20, all.size()));
    Collections.sort(settled);
    return "p50 " + percentile(settled, 50) + ", p95 " + percentile(settled, 95) + ", min " + settled.get(0)
        + ", max " + settled.get(settled.size() - 1) + " (" + settled.size() + " samples)";
  }

  static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
