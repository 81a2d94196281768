package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.media.KvsStream.MediaFrame;
import io.vidlog.server.support.Programs;
import io.vidlog.server.support.TestServers;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSDisplayFragmentTimestamp;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.KinesisVideoArchivedMediaException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.NoDataRetentionException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ResourceNotFoundException;

/**
 * HLS of stored media end to end (docs/wire-protocol.md §3.5): H.264 + AAC and H.265 + AAC uploaded
 * with AWS's PutMedia client, session URLs from the stock SDK v2 {@code KinesisVideoArchivedMediaClient}
 * on the endpoint GetDataEndpoint gives, then played by ffmpeg and ffprobe over HTTPS: ON_DEMAND
 * decodes every ingested frame without an error, LIVE_REPLAY too; the URL family's HTTP behaviour
 * (tokens, CORS, gzip, HEAD, ranges) is checked on the wire. Interop: fails, never skips, without
 * ffmpeg.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HlsIT {
  static final String AVC = "hls-avc";
  static final String HEVC = "hls-hevc";
  VidlogServer server;
  KinesisVideoArchivedMediaClient archived;
  HttpClient http;
  Instant before;
  Instant after;
  Map<String, List<MediaFrame>> uploaded = new java.util.HashMap<>();

  @BeforeAll
  void upload(@TempDir Path dataDir, @TempDir Path work) throws Exception {
    server = TestServers.start(dataDir, Map.of());
    AdminCredentials admin = server.admin().credentials();
    MediaClients.trustServerCertificate(dataDir, work);
    URI put;
    try (KinesisVideoClient kvs = TestServers.adminClient(server)) {
      for (String s : List.of(AVC, HEVC)) {
        kvs.createStream(r -> r.streamName(s).dataRetentionInHours(24));
      }
      kvs.createStream(r -> r.streamName("hls-no-retention").dataRetentionInHours(0));
      put = MediaClients.dataEndpoint(kvs, AVC, APIName.PUT_MEDIA);
      archived = MediaClients.archived(MediaClients.dataEndpoint(kvs, AVC, APIName.GET_HLS_STREAMING_SESSION_URL),
          admin.accessKeyId(), admin.secretAccessKey());
    }
    before = Instant.now().minusSeconds(1);
    for (var e : Map.of(AVC, "ffmpeg-live-av.mkv", HEVC, "ffmpeg-live-hevc-aac.mkv").entrySet()) {
      byte[] mkv = MediaClients.resource(e.getValue());
      uploaded.put(e.getKey(), KvsStream.read(new ByteArrayInputStream(mkv)).frames);
      // at a camera's pace: with server timestamps a faster upload makes fragments overlap in time (as
      // on KVS), which players that ignore EXT-X-DISCONTINUITY (ffmpeg) cannot play through
      List<String> acks = MediaClients.putMediaPaced(put, admin, e.getKey(), mkv);
      assertTrue(acks.stream().filter(a -> a.contains("\"PERSISTED\"")).count() >= 3
          && acks.stream().noneMatch(a -> a.contains("\"ERROR\"")), acks.toString());
    }
    after = Instant.now().plusMillis(1);
    http = TestServers.trustingHttpClient();
  }

  @AfterAll
  void stop() {
    if (archived != null) {
      archived.close();
    }
    server.stop();
  }

  String session(String stream, HLSPlaybackMode mode, HLSFragmentSelectorType type, Instant from, Instant to) {
    return archived.getHLSStreamingSessionURL(r -> r.streamName(stream).playbackMode(mode)
        .hlsFragmentSelector(s -> s.fragmentSelectorType(type).timestampRange(t -> t.startTimestamp(from)
            .endTimestamp(to)))).hlsStreamingSessionURL();
  }

  /**
   * The end of a producer-timestamp range that holds every uploaded fragment: producer timestamps
   * run ahead of arrival (the start timestamp is the request's arrival, the first Cluster's timecode
   * is added to it), so the last fragment's may be later than the upload's end.
   */
  Instant producerEnd() {
    return after.plusSeconds(10);
  }

  long uploadedFrames(String stream, long track) {
    return uploaded.get(stream).stream().filter(f -> f.track() == track).count();
  }

  /**
   * {@code ffmpeg -v error -i <session URL> -f null -}: decodes the video and the audio of the
   * session, with nothing on stderr; returns how many video frames it decoded (its progress report).
   */
  static long decodedVideoFrames(String url) throws Exception {
    Programs.Result r = Programs.run(120, "ffmpeg", "-nostdin", "-v", "error", "-progress", "pipe:1", "-tls_verify",
        "0", "-i", url, "-f", "null", "-");
    assertEquals(0, r.exit(), r.toString());
    assertEquals("", r.stderr().strip(), r.toString());
    List<String> frames = r.stdout().lines().filter(l -> l.startsWith("frame=")).toList();
    return Long.parseLong(frames.get(frames.size() - 1).substring("frame=".length()).strip());
  }

  /** Asserts the video frames ffmpeg decodes; on a mismatch the message has ffmpeg's warnings and the video packets. */
  static void assertDecodes(long expected, String url, String what) throws Exception {
    long decoded = decodedVideoFrames(url);
    if (decoded != expected) {
      Programs.Result warnings = Programs.run(120, "ffmpeg", "-nostdin", "-v", "warning", "-tls_verify", "0", "-i", url,
          "-f", "null", "-");
      Programs.Result packets = Programs.run(60, "ffprobe", "-v", "warning", "-tls_verify", "0", "-select_streams",
          "v:0", "-show_entries", "packet=pts,dts,flags", "-of", "csv", url);
      assertEquals(expected, decoded, what + ": ffmpeg " + warnings.stderr() + "\nvideo packets:\n" + packets.stdout()
          + packets.stderr());
    }
  }

  /*
   * ffmpeg plays through neither EXT-X-DISCONTINUITY nor timestamps that go back, so these sessions
   * select producer timestamps, on which one producer's fragments meet exactly. With server
   * timestamps (below) fragments meet with their arrival jitter, as on KVS.
   */

  @Test
  void onDemandH264DecodesEveryIngestedFrame() throws Exception {
    String url = session(AVC, HLSPlaybackMode.ON_DEMAND, HLSFragmentSelectorType.PRODUCER_TIMESTAMP,
        before.minusSeconds(60), producerEnd());
    assertTrue(url.startsWith(server.url() + "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken="), url);
    assertDecodes(uploadedFrames(AVC, 1), url, AVC);
    assertProbe(url, "h264");
  }

  @Test
  void onDemandH265DecodesEveryIngestedFrame() throws Exception {
    String url = session(HEVC, HLSPlaybackMode.ON_DEMAND, HLSFragmentSelectorType.PRODUCER_TIMESTAMP,
        before.minusSeconds(60), producerEnd());
    assertDecodes(uploadedFrames(HEVC, 1), url, HEVC);
    assertProbe(url, "hevc");
  }

  @Test
  void liveReplayOfAPastRangeDecodesEveryFrameAndEnds() throws Exception {
    for (String stream : List.of(AVC, HEVC)) {
      String url = session(stream, HLSPlaybackMode.LIVE_REPLAY, HLSFragmentSelectorType.PRODUCER_TIMESTAMP,
          before.minusSeconds(60), producerEnd());
      assertDecodes(uploadedFrames(stream, 1), url, stream);
    }
  }

  @Test
  void serverTimestampSessionsMarkEveryFragmentADiscontinuity() throws Exception {
    String url = session(AVC, HLSPlaybackMode.ON_DEMAND, HLSFragmentSelectorType.SERVER_TIMESTAMP, before, after);
    String media = URI.create(url).resolve(text(url).lines().filter(l -> l.startsWith("getHLSMediaPlaylist"))
        .findFirst().orElseThrow()).toString();
    String playlist = text(media);
    long segments = playlist.lines().filter(l -> l.startsWith("#EXTINF")).count();
    assertTrue(segments >= 3, playlist);
    assertEquals(segments - 1, playlist.lines().filter(l -> l.equals("#EXT-X-DISCONTINUITY")).count(), playlist);
  }

  /** ffprobe sees the ingested codec, size and about the ingested duration (3 s). */
  static void assertProbe(String url, String codec) throws Exception {
    Programs.Result r = Programs.run(60, "ffprobe", "-v", "error", "-tls_verify", "0", "-show_entries",
        "stream=codec_name,width,height:format=duration", "-of", "json", url);
    assertEquals(0, r.exit(), r.toString());
    JsonObject probe = new JsonObject(r.stdout());
    JsonObject video = probe.getJsonArray("streams").stream().map(JsonObject.class::cast)
        .filter(s -> s.containsKey("width")).findFirst().orElseThrow();
    assertEquals(codec, video.getString("codec_name"), r.stdout());
    assertEquals(160, video.getInteger("width"));
    assertEquals(120, video.getInteger("height"));
    double duration = Double.parseDouble(probe.getJsonObject("format").getString("duration"));
    assertTrue(duration > 2.5 && duration < 3.6, "duration " + duration);
  }

  String text(String url) throws Exception {
    HttpResponse<byte[]> r = get(url, "GET", Map.of());
    assertEquals(200, r.statusCode(), url);
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  HttpResponse<byte[]> get(String url, String method, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void theUrlFamilySpeaksHttpAsPlayersNeed() throws Exception {
    String url = session(AVC, HLSPlaybackMode.ON_DEMAND, HLSFragmentSelectorType.SERVER_TIMESTAMP, before, after);
    HttpResponse<byte[]> master = get(url, "GET", Map.of("Origin", "https://player.example"));
    assertEquals(200, master.statusCode());
    assertEquals("*", master.headers().firstValue("access-control-allow-origin").orElse(null));
    assertEquals("application/vnd.apple.mpegurl", master.headers().firstValue("content-type").orElse(null));
    String masterText = new String(master.body(), StandardCharsets.UTF_8);
    assertTrue(masterText.contains("CODECS=\"avc1."), masterText);
    assertTrue(masterText.contains(",mp4a.40.2\""), masterText);
    assertTrue(masterText.contains("RESOLUTION=160x120"), masterText);
    assertTrue(masterText.contains("#EXT-X-MEDIA:TYPE=AUDIO"), masterText);
    URI base = URI.create(url);
    String mediaUri = masterText.lines().filter(l -> l.startsWith("getHLSMediaPlaylist")).findFirst().orElseThrow();
    String media = base.resolve(mediaUri).toString();

    // gzip when asked for, with the compressed length; the same text
    HttpResponse<byte[]> plain = get(media, "GET", Map.of());
    HttpResponse<byte[]> zipped = get(media, "GET", Map.of("Accept-Encoding", "gzip"));
    assertEquals("gzip", zipped.headers().firstValue("content-encoding").orElse(null));
    assertEquals(String.valueOf(zipped.body().length), zipped.headers().firstValue("content-length").orElse(null));
    assertArrayEquals(plain.body(), new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes());
    String playlist = new String(plain.body(), StandardCharsets.UTF_8);
    assertTrue(playlist.contains("#EXT-X-PLAYLIST-TYPE:VOD") && playlist.contains("#EXT-X-ENDLIST"), playlist);
    assertTrue(playlist.contains("#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken="), playlist);

    // a media segment: exact length, HEAD without a body, a byte range
    String fragment = base.resolve(playlist.lines().filter(l -> l.startsWith("getMP4MediaFragment")).findFirst()
        .orElseThrow()).toString();
    HttpResponse<byte[]> whole = get(fragment, "GET", Map.of());
    assertEquals(200, whole.statusCode());
    assertEquals(String.valueOf(whole.body().length), whole.headers().firstValue("content-length").orElse(null));
    assertEquals("moof", new String(whole.body(), 4, 4, StandardCharsets.US_ASCII));
    assertTrue(whole.headers().firstValue("cache-control").orElse("").contains("immutable"));
    HttpResponse<byte[]> head = get(fragment, "HEAD", Map.of());
    assertEquals(200, head.statusCode());
    assertEquals(0, head.body().length);
    assertEquals(String.valueOf(whole.body().length), head.headers().firstValue("content-length").orElse(null));
    HttpResponse<byte[]> range = get(fragment, "GET", Map.of("Range", "bytes=8-107"));
    assertEquals(206, range.statusCode());
    assertEquals("bytes 8-107/" + whole.body().length, range.headers().firstValue("content-range").orElse(null));
    assertArrayEquals(java.util.Arrays.copyOfRange(whole.body(), 8, 108), range.body());
    assertEquals(416, get(fragment, "GET", Map.of("Range", "bytes=" + whole.body().length + "-")).statusCode());

    // a preflight needs no token
    HttpResponse<byte[]> preflight = get(fragment.substring(0, fragment.indexOf('?')), "OPTIONS",
        Map.of("Origin", "https://player.example", "Access-Control-Request-Method", "GET",
            "Access-Control-Request-Headers", "range"));
    assertEquals(204, preflight.statusCode());
    assertEquals("range", preflight.headers().firstValue("access-control-allow-headers").orElse(null));
  }

  @Test
  void anAlteredOrMissingTokenIsA403WithAKvsError() throws Exception {
    String url = session(AVC, HLSPlaybackMode.ON_DEMAND, HLSFragmentSelectorType.SERVER_TIMESTAMP, before, after);
    int at = url.length() - 10;
    String altered = url.substring(0, at) + (url.charAt(at) == 'A' ? 'B' : 'A') + url.substring(at + 1);
    for (String bad : List.of(altered, url.substring(0, url.indexOf('?')), url + "x")) {
      HttpResponse<byte[]> r = get(bad, "GET", Map.of());
      assertEquals(403, r.statusCode(), bad);
      assertEquals("NotAuthorizedException", r.headers().firstValue("x-amzn-ErrorType").orElse(null));
      assertEquals("NotAuthorizedException", new JsonObject(new String(r.body(), StandardCharsets.UTF_8))
          .getString("__type"));
      assertEquals("*", r.headers().firstValue("access-control-allow-origin").orElse(null));
    }
  }

  @Test
  void sessionRequestsAreRefusedAsKvsRefusesThem() {
    assertThrows(NoDataRetentionException.class, () -> archived.getHLSStreamingSessionURL(r -> r
        .streamName("hls-no-retention")));
    assertThrows(ResourceNotFoundException.class, () -> session(AVC, HLSPlaybackMode.ON_DEMAND,
        HLSFragmentSelectorType.SERVER_TIMESTAMP, before.minusSeconds(3600), before.minusSeconds(3000)));
    assertThrows(ResourceNotFoundException.class, () -> archived.getHLSStreamingSessionURL(r -> r
        .streamName("no-such-stream")));
    KinesisVideoArchivedMediaException expires = assertThrows(KinesisVideoArchivedMediaException.class,
        () -> archived.getHLSStreamingSessionURL(r -> r.streamName(AVC).expires(299)));
    assertEquals("InvalidArgumentException", expires.awsErrorDetails().errorCode());
    String withTimestamps = archived.getHLSStreamingSessionURL(r -> r.streamName(AVC)
        .playbackMode(HLSPlaybackMode.ON_DEMAND).displayFragmentTimestamp(HLSDisplayFragmentTimestamp.ALWAYS)
        .hlsFragmentSelector(s -> s.timestampRange(t -> t.startTimestamp(before).endTimestamp(after))))
        .hlsStreamingSessionURL();
    assertTrue(withTimestamps.contains("SessionToken="));
  }
}
