package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.kinesisvideo.model.AckEvent;
import io.vidlog.playback.images.ImagesApi;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.SignedHttp;
import io.vidlog.server.support.TestServers;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.Base64;
import javax.imageio.ImageIO;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ClipFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.DASHDisplayFragmentNumber;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.DASHDisplayFragmentTimestamp;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.DASHFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.DASHPlaybackMode;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Format;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetClipResponse;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Image;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ImageSelectorType;

/**
 * The archived-media APIs that repackage media, over HTTPS with SigV4, driven by AWS's clients and
 * judged by ffmpeg: a moving test pattern with a tone, encoded by ffmpeg (H.264 + AAC, 1 s GOPs),
 * uploaded with AWS's v1 PutMedia client, then read back as a clip (GetClip, SDK v2 client with
 * the GET_CLIP endpoint) that ffprobe and ffmpeg read frame for frame, and as pictures (GetImages,
 * and the web player's thumbnail) that ImageIO reads at the requested size, and as HLS sessions of
 * MPEG-TS segments and DASH sessions that ffmpeg plays with every frame.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchivedMediaApisIT {
  static final String STREAM = "archived-apis";
  static final int SECONDS = 4;
  static final int FPS = 25;
  VidlogServer server;
  AdminCredentials admin;
  Path work;
  Path source;
  Date producerStart;
  Instant before;
  Instant after;
  List<AckEvent> persisted;
  KinesisVideoClient kvs;

  @BeforeAll
  void uploadOnce(@TempDir Path dataDir, @TempDir Path work) throws Exception {
    this.work = work;
    server = TestServers.start(dataDir, Map.of());
    admin = server.admin().credentials();
    MediaClients.trustServerCertificate(dataDir, work);
    kvs = TestServers.adminClient(server);
    kvs.createStream(r -> r.streamName(STREAM).dataRetentionInHours(24).mediaType("video/h264,audio/aac"));
    source = work.resolve("source.mkv");
    Probe.run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=" + FPS, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", String.valueOf(SECONDS), "-c:v", "libx264", "-profile:v", "main", "-g", String.valueOf(FPS),
        "-keyint_min", String.valueOf(FPS), "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k",
        "-f", "matroska", "-live", "1", "-cluster_size_limit", "10000000", "-cluster_time_limit", "5000",
        source.toString()));
    producerStart = new Date(System.currentTimeMillis() - 60_000);
    before = Instant.now().minusSeconds(1);
    MediaClients.Upload upload = MediaClients.putMedia(MediaClients.dataEndpoint(kvs, STREAM, APIName.PUT_MEDIA),
        admin.accessKeyId(), admin.secretAccessKey(), STREAM, Files.readAllBytes(source), producerStart);
    after = Instant.now().plusSeconds(1);
    assertNull(upload.failure(), () -> "upload failed: " + upload.failure());
    assertTrue(upload.ofType("ERROR").isEmpty(), upload.acks()::toString);
    persisted = upload.ofType("PERSISTED");
    assertEquals(SECONDS, persisted.size(), upload.acks()::toString);
  }

  @AfterAll
  void stop() {
    System.clearProperty("javax.net.ssl.trustStore");
    System.clearProperty("javax.net.ssl.trustStorePassword");
    System.clearProperty("javax.net.ssl.trustStoreType");
    if (kvs != null) {
      kvs.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  KinesisVideoArchivedMediaClient archived(APIName api) {
    URI endpoint = MediaClients.dataEndpoint(kvs, STREAM, api);
    return MediaClients.archived(endpoint, admin.accessKeyId(), admin.secretAccessKey());
  }

  @Test
  void getImagesGivesEveryTimesPictureAtTheRequestedSizeAndNeighboursDiffer() throws Exception {
    List<Image> all;
    try (KinesisVideoArchivedMediaClient c = archived(APIName.GET_IMAGES)) {
      // 20 times, 200 ms apart, over the four fragments (the first starts 21 ms in, with ffmpeg's
      // first packet); pages of 8, followed by the paginator
      all = c.getImagesPaginator(r -> r.streamName(STREAM).imageSelectorType(ImageSelectorType.PRODUCER_TIMESTAMP)
          .startTimestamp(producerStart.toInstant().plusMillis(100))
          .endTimestamp(producerStart.toInstant().plusMillis(3900))
          .samplingInterval(200).format(Format.JPEG).widthPixels(160).maxResults(8L))
          .stream().flatMap(p -> p.images().stream()).toList();
    }
    assertEquals(20, all.size());
    BufferedImage previous = null;
    for (int k = 0; k < all.size(); k++) {
      Image i = all.get(k);
      assertEquals(producerStart.toInstant().plusMillis(100 + 200L * k), i.timeStamp());
      assertNull(i.error(), "image " + k);
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(i.imageContent())));
      assertEquals(160, img.getWidth(), "image " + k);
      assertEquals(120, img.getHeight(), "image " + k);
      if (previous != null) {
        assertTrue(meanDifference(previous, img) > 1, "images " + (k - 1) + " and " + k + " differ");
      }
      previous = img;
    }
  }

  static double meanDifference(BufferedImage a, BufferedImage b) {
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        sum += Math.abs((a.getRGB(x, y) >> 8 & 0xFF) - (b.getRGB(x, y) >> 8 & 0xFF));
      }
    }
    return (double) sum / (a.getWidth() * a.getHeight());
  }

  @Test
  void theThumbnailIsTheNewestKeyFrameForASignedGet() throws Exception {
    SignedHttp http = new SignedHttp(server.url());
    HttpResponse<byte[]> got = http.sendForBytes(http.sign(new SignedHttp.Spec("GET", ImagesApi.THUMBNAIL_PATH,
        Map.of("StreamName", STREAM, "WidthPixels", "160"), null, admin.accessKeyId(), admin.secretAccessKey(),
        java.time.Clock.systemUTC(), null)));
    assertEquals(200, got.statusCode(), () -> new String(got.body()));
    assertEquals("image/jpeg", got.headers().firstValue("Content-Type").orElse(null));
    assertEquals(persisted.get(persisted.size() - 1).getFragmentNumber(),
        got.headers().firstValue("x-vidlog-fragment-number").orElse(null));
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(got.body()));
    assertEquals(160, img.getWidth());
    assertEquals(120, img.getHeight());
  }

  /** What ffmpeg makes of a session URL: no error message, and the frames of each stream counted by ffprobe. */
  void assertPlaysEveryFrame(String url) throws Exception {
    assertEquals("", Probe.decodeErrors(url, "-tls_verify", "0"), "ffmpeg decoding " + url);
    Map<String, String> v = Probe.stream(url, "v:0", "-tls_verify", "0");
    assertEquals("h264", v.get("codec_name"));
    assertEquals("320", v.get("width"));
    assertEquals(Probe.stream(source, "v:0").get("nb_read_frames"), v.get("nb_read_frames"), "video frames of " + url);
    Map<String, String> a = Probe.stream(url, "a:0", "-tls_verify", "0");
    assertEquals("aac", a.get("codec_name"));
    assertEquals(Probe.stream(source, "a:0").get("nb_read_frames"), a.get("nb_read_frames"), "audio frames of " + url);
  }

  String get(String url) throws Exception {
    HttpResponse<String> r = new SignedHttp(server.url()).unsigned("GET", url.substring(server.url().toString()
        .length()), null, Map.of());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return r.body();
  }

  @Test
  void anHlsSessionOfTransportStreamSegmentsPlaysEveryFrame() throws Exception {
    String url;
    try (KinesisVideoArchivedMediaClient c = archived(APIName.GET_HLS_STREAMING_SESSION_URL)) {
      url = c.getHLSStreamingSessionURL(r -> r.streamName(STREAM).playbackMode(HLSPlaybackMode.ON_DEMAND)
          .containerFormat(ContainerFormat.MPEG_TS).hlsFragmentSelector(s -> s
              .fragmentSelectorType(HLSFragmentSelectorType.PRODUCER_TIMESTAMP).timestampRange(t -> t
                  .startTimestamp(producerStart.toInstant()).endTimestamp(producerStart.toInstant().plusSeconds(5)))))
          .hlsStreamingSessionURL();
    }
    String master = get(url);
    assertFalse(master.contains("#EXT-X-MEDIA:TYPE=AUDIO"), "every track in one TS: no audio rendition\n" + master);
    assertTrue(master.contains("CODECS=\"avc1.4d400d,mp4a.40.2\""), master);
    String media = get(URI.create(url).resolve(master.lines().filter(l -> l.startsWith("getHLSMediaPlaylist"))
        .findFirst().orElseThrow()).toString());
    assertEquals(SECONDS, media.lines().filter(l -> l.startsWith("getTSFragment.ts?FragmentNumber=")).count(), media);
    assertFalse(media.contains("#EXT-X-MAP"), media);
    assertPlaysEveryFrame(url);
  }

  @Test
  void aDashSessionPlaysEveryFrameAndNamesItsFragments() throws Exception {
    String url;
    String replay;
    try (KinesisVideoArchivedMediaClient c = archived(APIName.GET_DASH_STREAMING_SESSION_URL)) {
      url = c.getDASHStreamingSessionURL(r -> r.streamName(STREAM).playbackMode(DASHPlaybackMode.ON_DEMAND)
          .displayFragmentNumber(DASHDisplayFragmentNumber.ALWAYS)
          .displayFragmentTimestamp(DASHDisplayFragmentTimestamp.ALWAYS)
          .dashFragmentSelector(s -> s.fragmentSelectorType(DASHFragmentSelectorType.PRODUCER_TIMESTAMP)
              .timestampRange(t -> t.startTimestamp(producerStart.toInstant())
                  .endTimestamp(producerStart.toInstant().plusSeconds(5))))).dashStreamingSessionURL();
      replay = c.getDASHStreamingSessionURL(r -> r.streamName(STREAM).playbackMode(DASHPlaybackMode.LIVE_REPLAY)
          .dashFragmentSelector(s -> s.fragmentSelectorType(DASHFragmentSelectorType.PRODUCER_TIMESTAMP)
              .timestampRange(t -> t.startTimestamp(producerStart.toInstant())))).dashStreamingSessionURL();
    }
    assertTrue(url.startsWith(server.url() + "/dash/v1/getDASHManifest.mpd?SessionToken="), url);
    String mpd = get(url);
    assertTrue(mpd.contains("type=\"static\""), mpd);
    for (AckEvent a : persisted) {
      assertTrue(mpd.contains("kvs:fn=\"" + a.getFragmentNumber() + "\""), a.getFragmentNumber() + " in\n" + mpd);
      assertTrue(mpd.contains("kvs:ts=\"" + (producerStart.getTime() + a.getFragmentTimecode()) + "\""), mpd);
    }
    assertPlaysEveryFrame(url);
    // a replay that goes on into live is a dynamic presentation
    String live = get(replay);
    assertTrue(live.contains("type=\"dynamic\"") && live.contains("minimumUpdatePeriod"), live);
    assertFalse(live.contains("kvs:fn"), "fragment numbers only when asked for:\n" + live);
  }

  @Test
  void getClipGivesAnMp4ThatFfprobeAndFfmpegReadFrameForFrame() throws Exception {
    Map<String, String> srcVideo = Probe.stream(source, "v:0");
    Map<String, String> srcAudio = Probe.stream(source, "a:0");
    assertEquals(String.valueOf(SECONDS * FPS), srcVideo.get("nb_read_frames"));
    for (ClipFragmentSelectorType type : ClipFragmentSelectorType.knownValues()) {
      Instant from = type == ClipFragmentSelectorType.SERVER_TIMESTAMP ? before : producerStart.toInstant();
      Instant to = type == ClipFragmentSelectorType.SERVER_TIMESTAMP ? after.isAfter(Instant.now())
          ? Instant.now() : after : from.plusSeconds(SECONDS);
      ResponseBytes<GetClipResponse> clip;
      try (KinesisVideoArchivedMediaClient c = archived(APIName.GET_CLIP)) {
        clip = c.getClipAsBytes(r -> r.streamName(STREAM).clipFragmentSelector(s -> s.fragmentSelectorType(type)
            .timestampRange(t -> t.startTimestamp(from).endTimestamp(to))));
      }
      assertEquals("video/mp4", clip.response().contentType());
      Path file = work.resolve("clip-" + type + ".mp4");
      Files.write(file, clip.asByteArray());

      assertEquals("", Probe.decodeErrors(file.toString()), "ffmpeg decoding the " + type + " clip");
      Map<String, String> v = Probe.stream(file, "v:0");
      assertEquals("h264", v.get("codec_name"));
      assertEquals("Main", v.get("profile"));
      assertEquals("320", v.get("width"));
      assertEquals("240", v.get("height"));
      assertEquals(srcVideo.get("nb_read_frames"), v.get("nb_read_frames"), "video frames of the " + type + " clip");
      Map<String, String> a = Probe.stream(file, "a:0");
      assertEquals("aac", a.get("codec_name"));
      assertEquals(srcAudio.get("nb_read_frames"), a.get("nb_read_frames"), "audio frames of the " + type + " clip");
      assertEquals(SECONDS, Probe.duration(file), 0.1, "duration of the " + type + " clip");
      assertFalse(file.toFile().length() == 0);
    }
  }
}
