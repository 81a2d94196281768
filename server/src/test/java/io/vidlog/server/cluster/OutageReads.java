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
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ClipFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetClipResponse;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.KinesisVideoArchivedMediaException;

/**
 * The archive readers of {@link StoreOutageIT} other than GetMedia: one HLS session (its playlists
 * and every segment they name) and GetClip over the fragments stored before the outage, read
 * before, during and after it. Each call is given the S3 adapter's documented worst case
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
      return new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
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

  /** Opens an ON_DEMAND HLS session (transport stream segments) over the fragments that started in [from, to]. */
  OutageReads(URI base, AdminCredentials admin, String stream, Instant from, Instant to) throws Exception {
    this.base = base;
    this.admin = admin;
    this.stream = stream;
    this.from = from;
    this.to = to;
    this.http = TestServers.trustingHttpClient();
    try (KinesisVideoArchivedMediaClient c = archived()) {
      hlsUrl = c.getHLSStreamingSessionURL(r -> r.streamName(stream).playbackMode(HLSPlaybackMode.ON_DEMAND)
          .containerFormat(ContainerFormat.MPEG_TS).hlsFragmentSelector(s -> s
              .fragmentSelectorType(HLSFragmentSelectorType.SERVER_TIMESTAMP)
              .timestampRange(t -> t.startTimestamp(from).endTimestamp(to)))).hlsStreamingSessionURL();
    }
  }

  /**
   * The session as a player reads it: the master playlist, its media playlist, then every segment
   * it names, as far as each answer allows. Every answer comes within {@link #BOUND}.
   */
  List<Answer> hls() throws Exception {
    List<Answer> answers = new ArrayList<>();
    Answer master = get("master playlist", URI.create(hlsUrl));
    answers.add(master);
    if (!master.ok()) {
      return answers;
    }
    URI mediaUri = URI.create(hlsUrl).resolve(new String(master.body(), StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("getHLSMediaPlaylist")).findFirst().orElseThrow());
    Answer media = get("media playlist", mediaUri);
    answers.add(media);
    if (!media.ok()) {
      return answers;
    }
    for (String line : new String(media.body(), StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("getTSFragment.ts")).toList()) {
      answers.add(get("segment " + line.replaceAll(".*FragmentNumber=(\\d+).*", "$1"), mediaUri.resolve(line)));
    }
    return answers;
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
   * An answer a player or client can act on: 200 with a playlist, a transport stream or an MP4, or
   * the documented 503 ServiceUnavailable (docs/wire-protocol.md §0) to retry later.
   */
  static void assertClean(Answer a) {
    if (a.ok()) {
      assertTrue(a.body().length > 0, a + ": an empty body");
      if (a.what().endsWith("playlist")) {
        assertTrue(a.text().startsWith("#EXTM3U"), a + ": " + a.text());
      } else if (a.what().startsWith("segment")) {
        assertEquals(0x47, a.body()[0] & 0xff, a + ": a transport stream starts with its sync byte");
      }
      return;
    }
    assertEquals(503, a.status(), a + ": " + a.text());
    assertEquals("ServiceUnavailable", a.errorType(), a + ": " + a.text());
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
