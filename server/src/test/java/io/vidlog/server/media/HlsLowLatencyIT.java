package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.FfmpegPutMedia;
import io.vidlog.server.support.HlsJsPage;
import io.vidlog.server.support.Programs;
import io.vidlog.server.support.TestServers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSDisplayFragmentTimestamp;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;

/**
 * LL-HLS end to end (docs/wire-protocol.md §3.5, "Low-Latency HLS"): a camera-like producer (ffmpeg's
 * moving test pattern at 25 frames/s, stamped with the wall clock, a key frame a second) streams
 * while hls.js 1.7.4 with {@code lowLatencyMode} in headless Chromium plays the LIVE session for 60 s:
 * no fatal error and no stall after start-up; the latency of the frame on screen (its producer
 * timestamp, from PROGRAM-DATE-TIME, against the wall clock) is sampled and its distribution printed
 * and saved under {@code target/} (a measurement, not a threshold). ffmpeg decodes the same session,
 * whose playlists carry the LL-HLS tags, without an error.
 */
@Tag("interop")
class HlsLowLatencyIT {
  static final String STREAM = "ll-cam";
  static final Path ARTIFACTS = Path.of("target", "hls-low-latency");

  @Test
  void hlsJsPlaysLowLatencyLiveForAMinuteAndFfmpegDecodesTheSameSession(@TempDir Path dataDir, @TempDir Path work)
      throws Exception {
    VidlogServer server = TestServers.start(dataDir, Map.of());
    Process camera = null;
    try (KinesisVideoClient kvs = TestServers.adminClient(server); HlsJsPage page = new HlsJsPage()) {
      AdminCredentials admin = server.admin().credentials();
      kvs.createStream(r -> r.streamName(STREAM).dataRetentionInHours(24).mediaType("video/h264"));
      URI put = MediaClients.dataEndpoint(kvs, STREAM, APIName.PUT_MEDIA);
      camera = FfmpegPutMedia.startTestPattern(put, admin.accessKeyId(), admin.secretAccessKey(), STREAM,
          Duration.ofMinutes(3), 25, work.resolve("camera.log"));
      try (KinesisVideoArchivedMediaClient archived = MediaClients.archived(
          MediaClients.dataEndpoint(kvs, STREAM, APIName.GET_HLS_STREAMING_SESSION_URL), admin.accessKeyId(),
          admin.secretAccessKey())) {
        Conditions.await("the first fragment is stored", () ->
            !archived.listFragments(r -> r.streamName(STREAM)).fragments().isEmpty());
        String live = archived.getHLSStreamingSessionURL(r -> r.streamName(STREAM).playbackMode(HLSPlaybackMode.LIVE)
            .hlsFragmentSelector(s -> s.fragmentSelectorType(HLSFragmentSelectorType.PRODUCER_TIMESTAMP))
            .displayFragmentTimestamp(HLSDisplayFragmentTimestamp.ALWAYS).expires(900)).hlsStreamingSessionURL();

        JsonObject played = page.play(live, 60, work.resolve("profile-ll"), true);
        boolean producing = camera.isAlive();
        HlsJsIT.assertPlayed(played, 60);
        assertEquals(new JsonArray(), played.getJsonArray("stalls"), "no stall after start-up: " + played.encode());
        assertTrue(producing, "played while the camera streamed");
        List<Long> latencies = new ArrayList<>();
        played.getJsonArray("latencies").forEach(v -> latencies.add(((Number) v).longValue()));
        assertTrue(latencies.size() >= 100, "two samples a second: " + played.encode());
        List<Long> settled = new ArrayList<>(latencies.subList(latencies.size() / 6, latencies.size()));
        Collections.sort(settled);
        String figures = "hls.js " + HlsJsPage.HLSJS_VERSION + " lowLatencyMode, glass-to-glass latency (ms) after"
            + " the first 10 s, " + settled.size() + " samples: p50 " + pct(settled, 50) + ", p95 " + pct(settled, 95)
            + ", min " + settled.get(0) + ", max " + settled.get(settled.size() - 1) + "; all samples in order: "
            + latencies;
        System.out.println(figures);
        Files.createDirectories(ARTIFACTS);
        Files.writeString(ARTIFACTS.resolve("latency-ms.txt"), figures + "\n");

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

  static long pct(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
