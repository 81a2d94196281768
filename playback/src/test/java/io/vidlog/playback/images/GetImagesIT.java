package io.vidlog.playback.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.playback.PlaybackConfig;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Format;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.FormatConfigKey;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetImagesRequest;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetImagesResponse;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Image;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ImageError;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ImageSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.KinesisVideoArchivedMediaException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.NoDataRetentionException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ResourceNotFoundException;

/**
 * GetImages through the AWS SDK v2 client (docs/wire-protocol.md §3.4) over vidlog's real store,
 * with real H.264 (the playback fixture, 96×64 at 10 fps, a key frame every 5 frames): pages at
 * the sampling interval with NextToken, sizes by the KVS aspect rules, JPEG and PNG, quality,
 * NO_MEDIA in a gap and MEDIA_ERROR without video, the frame budget ending a page early, the
 * refusals, and the web player's cached thumbnail.
 */
class GetImagesIT {
  static final long BASE = 1_700_000_000_000L;
  static final long NOW = BASE + 3_600_000L;

  static TestServer server;
  static KinesisVideoArchivedMediaClient client;
  static StreamInfo images;
  static ImagesApi api;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer(PlaybackConfig.DEFAULTS, NOW);
    api = new ImagesApi(server.vertx, server.store.registry, server.store.index, server.store.archive,
        ImagesConfig.DEFAULTS);
    server.mount(api);
    client = server.archivedClient();
    images = server.store.createStream("images", 24);
    StreamInfo gappy = server.store.createStream("gappy", 24);
    for (int i = 0; i < 6; i++) {
      TestChunks.Fragment f = TestChunks.fragment(i, BASE);
      server.store.persist(images, f.header(), f.mkv());
      if (i != 3) {
        server.store.persist(gappy, f.header(), f.mkv());
      }
    }
    StreamInfo audio = server.store.createStream("audio-only", 24);
    Buffer mkv = Buffer.buffer().appendBytes(MkvWriter.KVS.ebmlHeader()).appendBytes(MkvWriter.KVS.segmentStartUnknownSize())
        .appendBytes(MkvWriter.KVS.info(new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, "t", "t",
            null)))
        .appendBytes(MkvWriter.KVS.tracks(List.of(new TrackEntry(1, 1, TrackEntry.TYPE_AUDIO, "A_AAC", null,
            new byte[] {0x11, (byte) 0x90}, 0, 0, 0, 48000, 2, 0))));
    long clusterOffset = mkv.length();
    mkv.appendBytes(MkvWriter.KVS.clusterStart(0, -1));
    for (int j = 0; j < 10; j++) {
      mkv.appendBytes(MkvWriter.KVS.simpleBlock(1, j * 21, MkvWriter.FLAG_KEY, new byte[] {1, 2, 3}));
    }
    server.store.persist(audio, new ChunkHeader(TestChunks.number(1), BASE, 0, 210, 0,
        List.of(new ChunkHeader.TrackSummary(1, "A_AAC", 10)), List.of(), clusterOffset, mkv.length()), mkv);
    server.store.createStream("no-retention", 0);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  static GetImagesRequest.Builder request(String stream, long fromMs, long toMs, int intervalMs) {
    return GetImagesRequest.builder().streamName(stream).imageSelectorType(ImageSelectorType.PRODUCER_TIMESTAMP)
        .startTimestamp(Instant.ofEpochMilli(fromMs)).endTimestamp(Instant.ofEpochMilli(toMs))
        .samplingInterval(intervalMs).format(Format.JPEG);
  }

  static BufferedImage decode(Image i) throws Exception {
    assertNull(i.error(), "an image at " + i.timeStamp());
    BufferedImage b = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(i.imageContent())));
    assertNotNull(b, "ImageIO reads the image at " + i.timeStamp());
    return b;
  }

  static boolean differ(BufferedImage a, BufferedImage b) {
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        if (Math.abs((a.getRGB(x, y) & 0xFF) - (b.getRGB(x, y) & 0xFF)) > 8) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void pagesOfImagesAtTheSamplingIntervalThatDecodeAndDiffer() throws Exception {
    // 0, 200, ..., 2800: 15 times over six fragments of 500 ms
    GetImagesResponse first = client.getImages(request("images", 0, 2900, 200).maxResults(10L).build());
    assertEquals(10, first.images().size());
    assertNotNull(first.nextToken());
    GetImagesResponse second = client.getImages(request("images", 0, 2900, 200).maxResults(10L)
        .nextToken(first.nextToken()).build());
    assertEquals(5, second.images().size());
    assertNull(second.nextToken());
    List<Image> all = new ArrayList<>(first.images());
    all.addAll(second.images());
    BufferedImage previous = null;
    for (int k = 0; k < all.size(); k++) {
      assertEquals(Instant.ofEpochMilli(200L * k), all.get(k).timeStamp());
      BufferedImage b = decode(all.get(k));
      assertEquals(96, b.getWidth());
      assertEquals(64, b.getHeight());
      if (previous != null) {
        assertTrue(differ(previous, b), "the pictures at " + 200 * (k - 1) + " and " + 200 * k + " ms differ");
      }
      previous = b;
    }
    // the paginator follows the tokens, at most 25 a page whatever MaxResults says
    List<GetImagesResponse> pages = client.getImagesPaginator(request("images", 0, 2900, 200).maxResults(100L)
        .build()).stream().toList();
    assertEquals(List.of(15), pages.stream().map(p -> p.images().size()).toList());
  }

  @Test
  void sizesFollowTheKvsAspectRulesInJpegAndPng() throws Exception {
    Map<String, int[]> cases = Map.of("48x", new int[] {48, 32}, "x16", new int[] {24, 16}, "50x50",
        new int[] {50, 50});
    for (Format format : new Format[] {Format.JPEG, Format.PNG}) {
      for (var c : cases.entrySet()) {
        String[] wh = c.getKey().split("x", -1);
        GetImagesRequest.Builder b = request("images", 700, 700, 200).format(format);
        if (!wh[0].isEmpty()) {
          b.widthPixels(Integer.parseInt(wh[0]));
        }
        if (!wh[1].isEmpty()) {
          b.heightPixels(Integer.parseInt(wh[1]));
        }
        BufferedImage img = decode(client.getImages(b.build()).images().get(0));
        assertArrayEquals(c.getValue(), new int[] {img.getWidth(), img.getHeight()}, format + " " + c.getKey());
      }
    }
    int low = Base64.getDecoder().decode(client.getImages(request("images", 700, 700, 200)
        .formatConfig(Map.of(FormatConfigKey.JPEG_QUALITY, "5")).build()).images().get(0).imageContent()).length;
    int high = Base64.getDecoder().decode(client.getImages(request("images", 700, 700, 200)
        .formatConfig(Map.of(FormatConfigKey.JPEG_QUALITY, "100")).build()).images().get(0).imageContent()).length;
    assertTrue(low < high, "JPEGQuality 5 gives " + low + " bytes, 100 gives " + high);
  }

  @Test
  void aGapIsNoMediaAndAudioOnlyIsAMediaError() throws Exception {
    List<Image> got = client.getImages(request("gappy", 1000, 2400, 400).build()).images();
    // 1000, 1400 in fragment 2; 1800 in the missing fragment 3; 2200 in fragment 4
    assertEquals(List.of("null", "null", "NO_MEDIA", "null"), got.stream().map(i -> String.valueOf(i.error())).toList());
    assertEquals(ImageError.MEDIA_ERROR, client.getImages(request("audio-only", 0, 0, 200).build()).images().get(0)
        .error());
    // past the stream's last fragment
    assertEquals(ImageError.NO_MEDIA, client.getImages(request("images", 9000, 9000, 200).build()).images().get(0)
        .error());
  }

  @Test
  void aPageEndsWhereItsFrameBudgetDoes() throws Exception {
    try (TestServer limited = new TestServer(PlaybackConfig.DEFAULTS, NOW)) {
      StreamInfo s = limited.store.createStream("images", 24);
      for (int i = 0; i < 6; i++) {
        TestChunks.Fragment f = TestChunks.fragment(i, BASE);
        limited.store.persist(s, f.header(), f.mkv());
      }
      limited.mount(new ImagesApi(limited.vertx, limited.store.registry, limited.store.index, limited.store.archive,
          ImagesConfig.DEFAULTS.withDecodedFramesPerPage(6)));
      try (KinesisVideoArchivedMediaClient c = limited.archivedClient()) {
        // 400, 900, 1400, ...: the fifth frame of each group of pictures, five decoded frames each
        List<Integer> sizes = new ArrayList<>();
        List<Image> all = new ArrayList<>();
        String token = null;
        do {
          GetImagesResponse page = c.getImages(request("images", 400, 2900, 500).nextToken(token).build());
          sizes.add(page.images().size());
          all.addAll(page.images());
          token = page.nextToken();
        } while (token != null && sizes.size() < 20);
        assertEquals(List.of(1, 1, 1, 1, 1, 1), sizes, "the budget pays for one picture a page");
        for (Image i : all) {
          decode(i);
        }
      }
    }
  }

  @Test
  void refusals() {
    assertError(InvalidArgumentException.class, 400, "SamplingInterval",
        c -> c.getImages(request("images", 0, 1000, 199).build()));
    assertError(InvalidArgumentException.class, 400, "within 300 seconds",
        c -> c.getImages(request("images", 0, 300_001, 1000).build()));
    assertError(InvalidArgumentException.class, 400, "EndTimestamp",
        c -> c.getImages(request("images", 1000, 999, 1000).build()));
    assertError(InvalidArgumentException.class, 400, "JPEGQuality",
        c -> c.getImages(request("images", 0, 1000, 1000).formatConfig(Map.of(FormatConfigKey.JPEG_QUALITY, "101"))
            .build()));
    assertError(InvalidArgumentException.class, 400, "WidthPixels",
        c -> c.getImages(request("images", 0, 1000, 1000).widthPixels(3841).build()));
    String token = client.getImages(request("images", 0, 2900, 200).maxResults(2L).build()).nextToken();
    assertError(InvalidArgumentException.class, 400, "NextToken",
        c -> c.getImages(request("images", 0, 2800, 200).nextToken(token).build()));
    assertError(NoDataRetentionException.class, 400, "",
        c -> c.getImages(request("no-retention", 0, 1000, 1000).build()));
    assertError(ResourceNotFoundException.class, 404, "",
        c -> c.getImages(request("no-such-stream", 0, 1000, 1000).build()));
  }

  static void assertError(Class<? extends KinesisVideoArchivedMediaException> type, int status, String text,
      Consumer<KinesisVideoArchivedMediaClient> call) {
    KinesisVideoArchivedMediaException e = assertThrows(type, () -> call.accept(client));
    assertEquals(status, e.statusCode(), e.getMessage());
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }

  @Test
  void theThumbnailIsTheNewestKeyFrameAndIsCached() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create(server.uri() + ImagesApi.THUMBNAIL_PATH + "?StreamName=images&WidthPixels=48");
    HttpResponse<byte[]> first = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, first.statusCode(), () -> new String(first.body()));
    assertEquals("image/jpeg", first.headers().firstValue("Content-Type").orElse(null));
    assertEquals(TestChunks.number(1005).value(), first.headers().firstValue("x-vidlog-fragment-number").orElse(null));
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(first.body()));
    assertEquals(48, img.getWidth());
    assertEquals(32, img.getHeight());
    int decodes = api.thumbnails.decodes();
    HttpResponse<byte[]> again = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertArrayEquals(first.body(), again.body());
    assertEquals(decodes, api.thumbnails.decodes(), "the second call is answered from the cache");
    // a newer fragment: a new picture
    TestChunks.Fragment newer = TestChunks.fragment(6, BASE);
    server.store.persist(images, newer.header(), newer.mkv());
    HttpResponse<byte[]> later = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(newer.number().value(), later.headers().firstValue("x-vidlog-fragment-number").orElse(null));
    assertEquals(decodes + 1, api.thumbnails.decodes());

    HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(server.uri() + ImagesApi.THUMBNAIL_PATH
        + "?StreamName=no-retention")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, missing.statusCode());
    HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(server.uri() + ImagesApi.THUMBNAIL_PATH
        + "?StreamName=images&WidthPixels=wide")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("WidthPixels"), bad.body());
  }
}
