package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.HlsJsPage;
import io.vidlog.server.support.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;

/**
 * hls.js in headless Chromium plays an ON_DEMAND and a LIVE session with the default session
 * parameters (server timestamps, a discontinuity between fragments) from a page on another origin,
 * without a fatal error (docs/wire-protocol.md §3.5): the build the web player ships (what viewers
 * run) and the newest from npm (what a page that embeds its own hls.js is likely to run). Interop:
 * fails, never skips, without Chromium or either hls.js.
 */
@Tag("interop")
class HlsJsIT {

  @Test
  void hlsJsPlaysOnDemandAndLiveSessions(@TempDir Path dataDir, @TempDir Path work) throws Exception {
    VidlogServer server = TestServers.start(dataDir, Map.of());
    Process producer = null;
    try (KinesisVideoClient kvs = TestServers.adminClient(server);
        HlsJsPage shipped = new HlsJsPage(HlsJsPage.HlsJs.shipped());
        HlsJsPage npm = new HlsJsPage(HlsJsPage.HlsJs.npm())) {
      AdminCredentials admin = server.admin().credentials();
      kvs.createStream(r -> r.streamName("stored").dataRetentionInHours(24));
      kvs.createStream(r -> r.streamName("live").dataRetentionInHours(24));
      URI put = MediaClients.dataEndpoint(kvs, "stored", APIName.PUT_MEDIA);
      try (KinesisVideoArchivedMediaClient archived = MediaClients.archived(
          MediaClients.dataEndpoint(kvs, "stored", APIName.GET_HLS_STREAMING_SESSION_URL), admin.accessKeyId(),
          admin.secretAccessKey())) {
        // ON_DEMAND: 3 s of H.264 + AAC uploaded at a camera's pace
        Instant before = Instant.now().minusSeconds(1);
        List<String> acks = MediaClients.putMediaPaced(put, admin, "stored", MediaClients.resource("ffmpeg-live-av.mkv"));
        assertTrue(acks.stream().noneMatch(a -> a.contains("\"ERROR\"")), acks.toString());
        Instant after = Instant.now();
        String onDemand = archived.getHLSStreamingSessionURL(r -> r.streamName("stored")
            .playbackMode(HLSPlaybackMode.ON_DEMAND).hlsFragmentSelector(s -> s.timestampRange(t -> t
                .startTimestamp(before).endTimestamp(after)))).hlsStreamingSessionURL();
        for (HlsJsPage page : List.of(shipped, npm)) {
          JsonObject stored = page.play(onDemand, 2.5, work.resolve("profile-on-demand-" + page.version()));
          assertPlayed(stored, page.version(), 2.5);
          assertEquals(160, stored.getInteger("width"), stored.encode());
        }

        // LIVE: ffmpeg produces while hls.js plays
        producer = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
            "-t", "60", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac",
            "-f", "matroska", "-live", "1", "-cluster_time_limit", "5000", "-method", "POST", "-chunked_post", "1",
            "-tls_verify", "0", "-tcp_nodelay", "1", "-headers", MediaClients.ffmpegPutMediaHeaders(put, admin, "live"),
            put.resolve("/putMedia").toString()).redirectErrorStream(true)
            .redirectOutput(work.resolve("producer.log").toFile()).start();
        Conditions.await("the first live fragment is stored", () ->
            !archived.listFragments(r -> r.streamName("live")).fragments().isEmpty());
        String live = archived.getHLSStreamingSessionURL(r -> r.streamName("live")).hlsStreamingSessionURL();
        for (HlsJsPage page : List.of(shipped, npm)) {
          JsonObject played = page.play(live, 6, work.resolve("profile-live-" + page.version()));
          boolean producing = producer.isAlive();
          assertPlayed(played, page.version(), 6);
          assertEquals(320, played.getInteger("width"), played.encode());
          assertTrue(producing, "hls.js " + page.version() + " played the live session while it was produced");
        }
      }
    } finally {
      if (producer != null) {
        producer.destroyForcibly();
      }
      server.stop();
    }
  }

  /** No fatal error, and the video played {@code seconds} from its first frame, with frames decoded. */
  static void assertPlayed(JsonObject report, String version, double seconds) {
    assertNull(report.getString("fatal"), report.encode());
    assertEquals(version, report.getString("hlsVersion"));
    assertTrue(report.getValue("startedAt") != null, report.encode());
    double played = report.getDouble("currentTime") - report.getDouble("startedAt");
    assertTrue(played >= seconds || report.getBoolean("ended") && played >= seconds - 0.5, report.encode());
    assertTrue(report.getInteger("totalVideoFrames") > 0, report.encode());
  }
}
