package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.kinesisvideo.model.AckEvent;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.SignedHttp;
import io.vidlog.server.support.TestServers;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ListFragmentsRequest;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaResponse;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * After a restart the server answers from the index it wrote at shutdown (a sealed segment and the
 * stream's summary), reading the segment from the store on each query when the cache keeps
 * nothing ({@code --index-cache 0}), and says so on {@code /metrics}.
 */
class IndexRestartIT {
  static final String STREAM = "restart-1";
  static final Map<String, String> FLAGS = Map.of("index-cache", "0", "metrics-public", "true");

  @Test
  void aRestartedServerReadsTheSummaryAndLoadsSegmentsOnDemand(@TempDir Path dataDir, @TempDir Path work)
      throws Exception {
    VidlogServer first = TestServers.start(dataDir, FLAGS);
    List<String> acked;
    try {
      MediaClients.trustServerCertificate(dataDir, work);
      AdminCredentials admin = first.admin().credentials();
      URI put;
      try (KinesisVideoClient kvs = TestServers.adminClient(first)) {
        kvs.createStream(r -> r.streamName(STREAM).dataRetentionInHours(24));
        put = MediaClients.dataEndpoint(kvs, STREAM, APIName.PUT_MEDIA);
      }
      MediaClients.Upload upload = MediaClients.putMedia(put, admin.accessKeyId(), admin.secretAccessKey(), STREAM,
          MediaClients.resource("ffmpeg-live-av.mkv"), new Date(System.currentTimeMillis() - 60_000));
      assertNull(upload.failure(), () -> "upload failed: " + upload.failure());
      acked = upload.ofType("PERSISTED").stream().map(AckEvent::getFragmentNumber).toList();
      assertFalse(acked.isEmpty(), upload.acks()::toString);
      assertEquals(acked, listed(first));
      String scrape = new SignedHttp(first.url()).unsigned("GET", "/metrics", null, Map.of()).body();
      assertEquals(acked.size(), value(scrape, "vidlog_ingest_persist_seconds_count"),
          "one persist time per fragment acked PERSISTED");
    } finally {
      first.stop(); // writes the partial segment and the summary
    }
    Path streamDir;
    try (Stream<Path> dirs = Files.list(dataDir.resolve("objects").resolve("streams"))) {
      streamDir = dirs.filter(d -> Files.isDirectory(d.resolve("index"))).findFirst().orElseThrow();
    }
    String streamId = streamDir.getFileName().toString();
    assertTrue(Files.exists(dataDir.resolve("objects").resolve(ObjectStoreTimeIndex.summaryKey(streamId))));
    try (Stream<Path> segments = Files.list(streamDir.resolve("index"))) {
      assertTrue(segments.count() >= 1, "the fragments are in sealed segments");
    }

    VidlogServer second = TestServers.start(dataDir, FLAGS);
    try {
      assertEquals(acked, listed(second));
      assertEquals(acked, listed(second), "and again: nothing stays cached");
      assertEquals(acked, getMediaEarliest(second, acked.size()));
      HttpResponse<String> metrics = new SignedHttp(second.url()).unsigned("GET", "/metrics", null, Map.of());
      assertEquals(200, metrics.statusCode());
      String body = metrics.body();
      assertEquals(0, value(body, "vidlog_index_cache_capacity_bytes"));
      assertEquals(0, value(body, "vidlog_index_cache_bytes"));
      assertTrue(value(body, "vidlog_index_segment_loads_seconds_count") >= 3, body);
      assertEquals(value(body, "vidlog_index_segment_loads_seconds_count"), value(body,
          "vidlog_index_cache_misses_total"));
      assertEquals(1, value(body, "vidlog_index_streams"));
    } finally {
      second.stop();
      System.clearProperty("javax.net.ssl.trustStore");
      System.clearProperty("javax.net.ssl.trustStorePassword");
      System.clearProperty("javax.net.ssl.trustStoreType");
    }
  }

  private static List<String> listed(VidlogServer server) {
    AdminCredentials admin = server.admin().credentials();
    try (KinesisVideoClient kvs = TestServers.adminClient(server);
        KinesisVideoArchivedMediaClient archived = MediaClients.archived(
            MediaClients.dataEndpoint(kvs, STREAM, APIName.LIST_FRAGMENTS), admin.accessKeyId(),
            admin.secretAccessKey())) {
      return archived.listFragmentsPaginator(ListFragmentsRequest.builder().streamName(STREAM).build()).fragments()
          .stream().sorted(Comparator.comparing(Fragment::fragmentNumber)).map(Fragment::fragmentNumber).toList();
    }
  }

  private static List<String> getMediaEarliest(VidlogServer server, int chunks) throws Exception {
    AdminCredentials admin = server.admin().credentials();
    try (KinesisVideoClient kvs = TestServers.adminClient(server);
        KinesisVideoMediaClient media = MediaClients.media(MediaClients.dataEndpoint(kvs, STREAM, APIName.GET_MEDIA),
            admin.accessKeyId(), admin.secretAccessKey());
        ResponseInputStream<GetMediaResponse> in = media.getMedia(r -> r.streamName(STREAM)
            .startSelector(s -> s.startSelectorType(StartSelectorType.EARLIEST)), ResponseTransformer.toInputStream())) {
      KvsStream parsed = KvsStream.read(in, KvsStream.afterChunks(chunks), c -> { });
      in.abort();
      return parsed.completeNumbers();
    }
  }

  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    assertTrue(m.find(), series + " in\n" + scrape);
    return Double.parseDouble(m.group(1));
  }
}
