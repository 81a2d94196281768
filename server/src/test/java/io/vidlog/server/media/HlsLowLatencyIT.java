package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.HlsJsPage;
import io.vidlog.server.support.Programs;
import io.vidlog.server.support.TestServers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSDisplayFragmentTimestamp;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;

/**
 * LL-HLS end to end (docs/wire-protocol.md §3.5, "Low-Latency HLS"): the producer SDK's test-pattern
 * camera (25 frames/s, stamped with the wall clock, a key frame a second, each frame sent as it is
 * made) streams while hls.js 1.7.4 with {@code lowLatencyMode} in headless Chromium plays the LIVE
 * session for 60 s:
 * no fatal error and no stall after start-up; the latency of the frame on screen (its producer
 * timestamp, from PROGRAM-DATE-TIME, against the wall clock) is sampled and its distribution printed
 * and saved under {@code target/} (a measurement, not a threshold). ffmpeg decodes the same session,
 * whose playlists carry the LL-HLS tags, without an error.
 *
 * <p>NOT PART OF THE DEFAULT RUN, and not passing yet: it runs only with {@code -Dvidlog.ll=true}.
 * On this project's 2-core machine hls.js 1.7.4 met 3–4 {@code bufferStalledError}s a minute (with
 * the machine heavily loaded) and its {@code playingDate} jumped by seconds, so the LL-HLS
 * acceptance check of "no stall after start-up" is open. It also needs {@code producer-sdk/target/vidlog.jar}
 * built first, which a reactor build makes only after this module's tests (producer-sdk depends on
 * server), so it cannot run inside {@code mvn verify} as it stands.
 */
@Tag("interop")
@EnabledIfSystemProperty(named = "vidlog.ll", matches = "true")
class HlsLowLatencyIT {
  static final String STREAM = "ll-cam";
  static final Path ARTIFACTS = Path.of("target", "hls-low-latency");
  /** How long hls.js plays; {@code -Dvidlog.ll.seconds=120} for the 2-minute latency measurement. */
  static final int SECONDS = Integer.getInteger("vidlog.ll.seconds", 60);

  @Test
  void hlsJsPlaysLowLatencyLiveForAMinuteAndFfmpegDecodesTheSameSession(@TempDir Path dataDir, @TempDir Path work)
      throws Exception {
    VidlogServer server = TestServers.start(dataDir, Map.of());
    Process camera = null;
    try (KinesisVideoClient kvs = TestServers.adminClient(server);
        HlsJsPage page = new HlsJsPage(HlsJsPage.HlsJs.npm())) {
      AdminCredentials admin = server.admin().credentials();
      kvs.createStream(r -> r.streamName(STREAM).dataRetentionInHours(24).mediaType("video/h264"));
      URI put = MediaClients.dataEndpoint(kvs, STREAM, APIName.PUT_MEDIA);
      camera = camera(put, admin, STREAM, SECONDS + 120, work.resolve("camera.log"));
      try (KinesisVideoArchivedMediaClient archived = MediaClients.archived(
          MediaClients.dataEndpoint(kvs, STREAM, APIName.GET_HLS_STREAMING_SESSION_URL), admin.accessKeyId(),
          admin.secretAccessKey())) {
        Conditions.await("the first fragment is stored", () ->
            !archived.listFragments(r -> r.streamName(STREAM)).fragments().isEmpty());
        String live = archived.getHLSStreamingSessionURL(r -> r.streamName(STREAM).playbackMode(HLSPlaybackMode.LIVE)
            .hlsFragmentSelector(s -> s.fragmentSelectorType(HLSFragmentSelectorType.PRODUCER_TIMESTAMP))
            .displayFragmentTimestamp(HLSDisplayFragmentTimestamp.ALWAYS).expires(900)).hlsStreamingSessionURL();

        URI session = URI.create(live);
        http2(server.url().resolve(session.getRawPath() + "?" + session.getRawQuery()));

        JsonObject played = page.play(live, SECONDS, work.resolve("profile-ll"), true);
        boolean producing = camera.isAlive();
        // how late the newest fragments reached the server after their producer timestamps: the part of
        // the latency before vidlog (the camera's encoding and sending)
        long now = System.currentTimeMillis();
        List<Long> arrival = new ArrayList<>();
        archived.listFragments(r -> r.streamName(STREAM).fragmentSelector(f -> f.fragmentSelectorType("SERVER_TIMESTAMP")
            .timestampRange(t -> t.startTimestamp(java.time.Instant.ofEpochMilli(now - 10_000))
                .endTimestamp(java.time.Instant.ofEpochMilli(now))))).fragments()
            .forEach(f -> arrival.add(f.serverTimestamp().toEpochMilli() - f.producerTimestamp().toEpochMilli()));
        Files.createDirectories(ARTIFACTS);
        Files.writeString(ARTIFACTS.resolve("report.json"), played.encodePrettily() + "\narrival lags (ms): " + arrival
            + "\n");
        Files.copy(work.resolve("camera.log"), ARTIFACTS.resolve("camera.log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("fragment arrival (server minus producer timestamp, ms) of the newest fragments: " + arrival);
        List<Long> latencies = new ArrayList<>();
        played.getJsonArray("latencies").forEach(v -> latencies.add(((Number) v).longValue()));
        assertTrue(latencies.size() >= SECONDS * 3 / 2, "two samples a second: " + played.encode());
        List<Long> settled = new ArrayList<>(latencies.subList(latencies.size() / 6, latencies.size()));
        Collections.sort(settled);
        String figures = "hls.js " + page.version() + " lowLatencyMode, glass-to-glass latency (ms) after"
            + " the first 10 s, " + settled.size() + " samples: p50 " + pct(settled, 50) + ", p95 " + pct(settled, 95)
            + ", min " + settled.get(0) + ", max " + settled.get(settled.size() - 1) + "; all samples in order: "
            + latencies;
        System.out.println(figures);
        Files.createDirectories(ARTIFACTS);
        Files.writeString(ARTIFACTS.resolve("latency-ms.txt"), figures + "\n");
        HlsJsIT.assertPlayed(played, page.version(), SECONDS);
        assertEquals(new JsonArray(), played.getJsonArray("stalls"), "no stall after start-up: " + played.encode());
        assertTrue(producing, "played while the camera streamed");

        // the same session in ffmpeg: the LL-HLS tags are ignored, the segments play
        Programs.Result ffmpeg = Programs.run(120, "ffmpeg", "-nostdin", "-v", "error", "-tls_verify", "0",
            "-i", live, "-t", "8", "-f", "null", "-");
        assertEquals(0, ffmpeg.exit(), ffmpeg.toString());
        assertEquals("", ffmpeg.stderr().strip(), ffmpeg.toString());
      }
    } finally {
      if (camera != null) {
        camera.destroyForcibly();
      }
      server.stop();
    }
  }

  /**
   * The producer SDK's test-pattern camera ({@code vidlog camera}, the CLI jar that {@code mvn package}
   * builds): jcodec-encoded H.264 at 25 frames/s, a key frame (a fragment) a second, each frame sent
   * the moment it is made and stamped with the wall clock, as a camera streams.
   */
  static Process camera(URI endpoint, AdminCredentials admin, String stream, int seconds, Path log) throws Exception {
    Path jar = Path.of("").toAbsolutePath().getParent().resolve("producer-sdk/target/vidlog.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build it first (mvn -o -pl producer-sdk package -DskipTests)");
    }
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "--endpoint", endpoint.toString(), "--insecure", "camera", "--stream", stream,
        "--size", "320x240", "--fps", "25", "--gop", "25", "--duration", String.valueOf(seconds));
    pb.environment().put("AWS_ACCESS_KEY_ID", admin.accessKeyId());
    pb.environment().put("AWS_SECRET_ACCESS_KEY", admin.secretAccessKey());
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
      Conditions.await("the playlist lists a part", () -> {
        text[0] = get(h2, playlist).toString();
        return text[0].contains("#EXT-X-PART:");
      });
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

  static long pct(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
