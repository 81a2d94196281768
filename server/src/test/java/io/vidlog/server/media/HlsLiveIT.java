package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.Programs;
import io.vidlog.server.support.TestServers;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetMediaForFragmentListResponse;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;

/**
 * A LIVE HLS session read by ffmpeg while ffmpeg produces the stream (docs/wire-protocol.md §3.5):
 * a live H.264 + AAC (or H.265 + AAC) PutMedia paced in real time, a LIVE session taken once the first fragment is
 * stored, and a second ffmpeg that plays the session URL over HTTPS for 6 s, decoding every frame
 * (6 s at 25 frames/s) with nothing at level error, and finishing while the producer still streams.
 * Then an ON_DEMAND session of everything decodes exactly the frames that were stored.
 */
@Tag("interop")
class HlsLiveIT {
  static final String STREAM = "hls-live";

  @ParameterizedTest
  @ValueSource(strings = {"libx264", "libx265"})
  void ffmpegPlaysALiveSessionWhileTheStreamIsProduced(String encoder, @TempDir Path dataDir) throws Exception {
    VidlogServer server = TestServers.start(dataDir, Map.of());
    Process producer = null;
    try (KinesisVideoClient kvs = TestServers.adminClient(server)) {
      AdminCredentials admin = server.admin().credentials();
      kvs.createStream(r -> r.streamName(STREAM).dataRetentionInHours(24));
      URI put = MediaClients.dataEndpoint(kvs, STREAM, APIName.PUT_MEDIA);
      try (KinesisVideoArchivedMediaClient archived = MediaClients.archived(
          MediaClients.dataEndpoint(kvs, STREAM, APIName.GET_HLS_STREAMING_SESSION_URL), admin.accessKeyId(),
          admin.secretAccessKey())) {
        Instant before = Instant.now().minusSeconds(1);
        producer = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
            "-t", "16", "-c:v", encoder, "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "25",
            "-x265-params", "keyint=25:min-keyint=25:log-level=error", "-c:a", "aac",
            // a Cluster (a fragment) at every key frame, as KVS producers cut them: Matroska's muxer
            // starts one at a key frame of a Cluster over 4 KB, and at any frame past the time limit
            "-f", "matroska", "-live", "1", "-cluster_time_limit", "5000", "-method", "POST", "-chunked_post", "1",
            "-tls_verify", "0", "-tcp_nodelay", "1", "-headers", MediaClients.ffmpegPutMediaHeaders(put, admin, STREAM),
            put.resolve("/putMedia").toString()).redirectErrorStream(true)
            .redirectOutput(dataDir.resolve("producer.log").toFile()).start();
        Conditions.await("the first fragment is stored", () ->
            !archived.listFragments(r -> r.streamName(STREAM)).fragments().isEmpty());

        // ffmpeg plays through no timestamp that goes back: producer timestamps, exact for one producer
        String live = archived.getHLSStreamingSessionURL(r -> r.streamName(STREAM).playbackMode(HLSPlaybackMode.LIVE)
            .hlsFragmentSelector(s -> s.fragmentSelectorType(HLSFragmentSelectorType.PRODUCER_TIMESTAMP)))
            .hlsStreamingSessionURL();
        // at once: the command everybody tries, and a frame-by-frame dump of the video that shows any gap
        var plain = java.util.concurrent.CompletableFuture.supplyAsync(() -> run("ffmpeg", "-nostdin", "-v", "error",
            "-tls_verify", "0", "-i", live, "-t", "6", "-f", "null", "-"));
        var frames = java.util.concurrent.CompletableFuture.supplyAsync(() -> run("ffmpeg", "-nostdin", "-v", "error",
            "-tls_verify", "0", "-i", live, "-map", "0:v:0", "-frames:v", "150", "-f", "framecrc", "-"));
        Programs.Result reader = plain.join();
        Programs.Result dump = frames.join();
        boolean producing = producer.isAlive();
        assertEquals(0, reader.exit(), reader.toString());
        assertEquals("", reader.stderr().strip(), reader.toString());
        assertEquals(0, dump.exit(), dump.toString());
        assertEquals("", dump.stderr().strip(), dump.toString());
        List<Long> pts = dump.stdout().lines().filter(l -> !l.startsWith("#"))
            .map(l -> Long.parseLong(l.split(",")[2].strip())).toList();
        assertTrue(dump.stdout().contains("#tb 0: 1/25"), dump.toString());
        assertEquals(150, pts.size(), dump.toString());
        for (int i = 1; i < pts.size(); i++) {
          assertEquals(pts.get(i - 1) + 1, pts.get(i), "no frame lost between frames " + (i - 1) + " and " + i);
        }
        assertTrue(producing, "the live session was read while the stream was produced");

        assertTrue(producer.waitFor(60, TimeUnit.SECONDS), "the producer finished");
        Instant after = Instant.now();
        List<String> stored = archived.listFragmentsPaginator(r -> r.streamName(STREAM)).fragments().stream()
            .map(Fragment::fragmentNumber).toList();
        long storedVideoFrames;
        try (ResponseInputStream<GetMediaForFragmentListResponse> in = archived.getMediaForFragmentList(r -> r
            .streamName(STREAM).fragments(stored))) {
          storedVideoFrames = KvsStream.read((InputStream) in).frames.stream().filter(f -> f.track() == 1).count();
        }
        String all = archived.getHLSStreamingSessionURL(r -> r.streamName(STREAM)
            .playbackMode(HLSPlaybackMode.ON_DEMAND).hlsFragmentSelector(s -> s
                .fragmentSelectorType(HLSFragmentSelectorType.PRODUCER_TIMESTAMP)
                // producer timestamps run a little ahead of arrival: the range ends well after the last one
                .timestampRange(t -> t.startTimestamp(before).endTimestamp(after.plusSeconds(10)))))
            .hlsStreamingSessionURL();
        Programs.Result onDemand = Programs.run(120, "ffmpeg", "-nostdin", "-v", "error", "-progress", "pipe:1",
            "-tls_verify", "0", "-i", all, "-f", "null", "-");
        assertEquals(0, onDemand.exit(), onDemand.toString());
        assertTrue(storedVideoFrames >= 300, "most of 16 s at 25 frames/s: " + storedVideoFrames);
        assertEquals(storedVideoFrames, lastFrame(onDemand), onDemand.toString());
      }
    } finally {
      if (producer != null) {
        producer.destroyForcibly();
      }
      server.stop();
    }
  }

  static Programs.Result run(String... command) {
    try {
      return Programs.run(60, command);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long lastFrame(Programs.Result r) {
    List<String> frames = r.stdout().lines().filter(l -> l.startsWith("frame=")).toList();
    return Long.parseLong(frames.get(frames.size() - 1).substring("frame=".length()).strip());
  }
}
