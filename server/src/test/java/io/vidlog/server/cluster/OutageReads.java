package io.vidlog.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.media.MediaClients;
import io.vidlog.server.support.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ClipFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.DASHFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.DASHPlaybackMode;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetClipResponse;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.KinesisVideoArchivedMediaException;

/**
 * The archive readers of {@link StoreOutageIT} other than GetMedia: an HLS session (its playlists
 * and every segment they name), a DASH session (its manifest and every segment it names) and
 * GetClip over the fragments stored before the outage, read before, during and after it; and
 * sessions opened while the store is down. Each call is given the S3 adapter's documented worst case
 * (docs/architecture.md "When the store is unreachable": 5 s to connect, 30 s without a byte) and a
 * margin for a loaded machine; one that takes longer is a hang and fails the test.
 */
final class OutageReads implements AutoCloseable {
  /** Longer than any store call may take (5 s connect + 30 s I/O), so only a hang reaches it. */
  private static final Duration BOUND = Duration.ofSeconds(60);

  /** One answer: what was asked, its status, its error type and the first bytes of its body. */
  record Answer(String what, int status, String errorType, byte[] body) {
    boolean ok() {
      return status == 200;
    }

    String text() {
      return text(300);
    }

    String text(int max) {
      return new String(body, 0, Math.min(body.length, max), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return what + " " + status + (errorType == null ? "" : " " + errorType);
    }
  }

  private final URI base;
  private final AdminCredentials admin;
  private final String stream;
  private final Instant from;
  private final Instant to;
  private final HttpClient http;
  private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "outage-reads");
    t.setDaemon(true);
    return t;
  });
  final String hlsUrl;
  final String dashUrl;

  /**
   * Opens an ON_DEMAND HLS session (transport stream segments) and an ON_DEMAND DASH session over
   * the fragments that started in [from, to].
   */
  OutageReads(URI base, AdminCredentials admin, String stream, Instant from, Instant to) throws Exception {
    this.base = base;
    this.admin = admin;
    this.stream = stream;
    this.from = from;
    this.to = to;
    this.http = TestServers.trustingHttpClient();
    Answer hls = hlsSession(HLSPlaybackMode.ON_DEMAND, ContainerFormat.MPEG_TS);
    assertEquals(200, hls.status(), hls.text());
    hlsUrl = hls.text();
    try (KinesisVideoArchivedMediaClient c = archived()) {
      dashUrl = c.getDASHStreamingSessionURL(r -> r.streamName(stream).playbackMode(DASHPlaybackMode.ON_DEMAND)
          .dashFragmentSelector(s -> s.fragmentSelectorType(DASHFragmentSelectorType.SERVER_TIMESTAMP)
              .timestampRange(t -> t.startTimestamp(from).endTimestamp(to)))).dashStreamingSessionURL();
    }
  }

  /**
   * GetHLSStreamingSessionURL: {@code ON_DEMAND} over [from, to], or {@code LIVE}. The answer's body
   * is the session URL when it is 200, else the error's message.
   */
  Answer hlsSession(HLSPlaybackMode mode, ContainerFormat format) throws Exception {
    String what = "GetHLSStreamingSessionURL " + mode + " " + format;
    return bounded(() -> {
      try (KinesisVideoArchivedMediaClient c = archived()) {
        String url = c.getHLSStreamingSessionURL(r -> {
          r.streamName(stream).playbackMode(mode).containerFormat(format);
          if (mode != HLSPlaybackMode.LIVE) {
            r.hlsFragmentSelector(s -> s.fragmentSelectorType(HLSFragmentSelectorType.SERVER_TIMESTAMP)
                .timestampRange(t -> t.startTimestamp(from).endTimestamp(to)));
          }
        }).hlsStreamingSessionURL();
        return new Answer(what, 200, null, url.getBytes(StandardCharsets.UTF_8));
      } catch (KinesisVideoArchivedMediaException e) {
        return new Answer(what, e.statusCode(), e.awsErrorDetails().errorCode(),
            String.valueOf(e.awsErrorDetails().errorMessage()).getBytes(StandardCharsets.UTF_8));
      }
    }, what);
  }

  /** The ON_DEMAND transport stream session opened with this object, as {@link #hls(String)} reads it. */
  List<Answer> hls() throws Exception {
    return hls(hlsUrl);
  }

  /**
   * An HLS session as a player reads it: the master playlist, its first media playlist, then its
   * init segment (fMP4) and every segment it names, as far as each answer allows. Every answer comes
   * within {@link #BOUND}.
   */
  List<Answer> hls(String url) throws Exception {
    List<Answer> answers = new ArrayList<>();
    Answer master = get("master playlist", URI.create(url));
    answers.add(master);
    if (!master.ok()) {
      return answers;
    }
    URI mediaUri = URI.create(url).resolve(master.text(Integer.MAX_VALUE).lines()
        .filter(l -> l.startsWith("getHLSMediaPlaylist")).findFirst().orElseThrow());
    Answer media = get("media playlist", mediaUri);
    answers.add(media);
    if (!media.ok()) {
      return answers;
    }
    for (String line : media.text(Integer.MAX_VALUE).lines().toList()) {
      if (line.startsWith("#EXT-X-MAP:URI=\"")) {
        answers.add(get("init segment", mediaUri.resolve(line.substring(16, line.indexOf('"', 16)))));
      } else if (line.startsWith("getTSFragment.ts") || line.startsWith("getMP4MediaFragment.mp4")) {
        answers.add(get("segment " + fragmentOf(line), mediaUri.resolve(line)));
      }
    }
    return answers;
  }

  /**
   * The DASH session as a player reads it: the manifest, then every segment it names (each track's
   * init segment and media segments), as far as each answer allows.
   */
  List<Answer> dash() throws Exception {
    List<Answer> answers = new ArrayList<>();
    Answer manifest = get("DASH manifest", URI.create(dashUrl));
    answers.add(manifest);
    if (!manifest.ok()) {
      return answers;
    }
    Matcher m = Pattern.compile("(?:sourceURL|media)=\"([^\"]+)\"").matcher(manifest.text(Integer.MAX_VALUE));
    while (m.find()) {
      String ref = m.group(1).replace("&amp;", "&");
      String track = ref.replaceAll(".*TrackNumber=(\\d+).*", "$1");
      answers.add(get(ref.startsWith("getMP4InitFragment") ? "init segment " + track
          : "segment " + fragmentOf(ref) + " track " + track, URI.create(dashUrl).resolve(ref)));
    }
    return answers;
  }

  private static String fragmentOf(String uri) {
    return uri.replaceAll(".*FragmentNumber=(\\d+).*", "$1");
  }

  /** GetClip of the same range: the clip's size, or the error the server answered. */
  Answer clip() throws Exception {
    return bounded(() -> {
      try (KinesisVideoArchivedMediaClient c = archived()) {
        ResponseBytes<GetClipResponse> clip = c.getClipAsBytes(r -> r.streamName(stream).clipFragmentSelector(s -> s
            .fragmentSelectorType(ClipFragmentSelectorType.SERVER_TIMESTAMP)
            .timestampRange(t -> t.startTimestamp(from).endTimestamp(to))));
        assertEquals("video/mp4", clip.response().contentType(), "a clip is an MP4");
        return new Answer("clip", 200, null, clip.asByteArray());
      } catch (KinesisVideoArchivedMediaException e) {
        return new Answer("clip", e.statusCode(), e.awsErrorDetails().errorCode(),
            String.valueOf(e.awsErrorDetails().errorMessage()).getBytes(StandardCharsets.UTF_8));
      }
    }, "GetClip");
  }

  /**
   * An answer a player or client can act on: 200 with a playlist, a manifest, a transport stream or
   * an MP4, or the documented 503 ServiceUnavailable (docs/wire-protocol.md §0) to retry later.
   */
  static void assertClean(Answer a) {
    if (a.ok()) {
      assertPlayable(a);
      return;
    }
    assertUnavailable(a);
  }

  /** 200 with what was asked for: a playlist, a manifest, a transport stream or an MP4 box. */
  static void assertPlayable(Answer a) {
    assertEquals(200, a.status(), a + ": " + a.text());
    assertTrue(a.body().length > 8, a + ": a body of " + a.body().length + " bytes");
    if (a.what().endsWith("playlist")) {
      assertTrue(a.text().startsWith("#EXTM3U"), a + ": " + a.text());
    } else if (a.what().startsWith("DASH manifest")) {
      assertTrue(a.text().contains("<MPD"), a + ": " + a.text());
    } else if (a.what().startsWith("GetHLSStreamingSessionURL")) {
      assertTrue(a.text().contains("SessionToken="), a + ": " + a.text());
    } else if (a.what().contains("segment")) {
      String box = new String(a.body(), 4, 4, StandardCharsets.US_ASCII);
      assertTrue((a.body()[0] & 0xff) == 0x47 || List.of("ftyp", "styp", "moof").contains(box),
          a + ": neither a transport stream (sync byte 0x47) nor an MP4 box (" + box + ")");
    }
  }

  /** The documented 503 ServiceUnavailable (docs/wire-protocol.md §0): an error to retry later. */
  static void assertUnavailable(Answer a) {
    assertEquals(503, a.status(), a + ": " + a.text());
    assertEquals("ServiceUnavailable", a.errorType(), a + ": " + a.text());
  }

  /** Both read the same resources and got the same bytes for each (playlists aside: they name their session). */
  static void assertSameMedia(List<Answer> expected, List<Answer> actual, String what) {
    assertEquals(expected.stream().map(Answer::what).toList(), actual.stream().map(Answer::what).toList(),
        what + ": the same resources");
    for (int i = 0; i < expected.size(); i++) {
      Answer e = expected.get(i);
      if (e.what().contains("segment")) {
        assertTrue(java.util.Arrays.equals(e.body(), actual.get(i).body()), what + ": " + e.what() + " differs");
      }
    }
  }

  private Answer get(String what, URI uri) throws Exception {
    return bounded(() -> {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(BOUND).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      String type = r.headers().firstValue("x-amzn-ErrorType").map(t -> t.replaceAll(":.*", "")).orElse(null);
      return new Answer(what, r.statusCode(), type, r.body());
    }, what);
  }

  private <T> T bounded(Callable<T> call, String what) throws Exception {
    Future<T> f = calls.submit(call);
    try {
      return f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new AssertionError(what + " did not answer within " + BOUND + ": it hangs", e);
    }
  }

  private KinesisVideoArchivedMediaClient archived() {
    return MediaClients.archived(base, admin.accessKeyId(), admin.secretAccessKey());
  }

  @Override
  public void close() {
    calls.shutdownNow();
  }
}
