package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.TestServers;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaResponse;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * SIGTERM with a live GetMedia reader open: the reader's response ends cleanly at once (it would
 * otherwise hold the shutdown grace period, here two minutes, open until the end).
 */
class ShutdownIT {
  @Test
  void liveReadersEndCleanlyAndDoNotHoldShutdown(@TempDir Path dataDir, @TempDir Path work) throws Exception {
    VidlogServer server = TestServers.start(dataDir, Map.of("shutdown-timeout", "120s"));
    AdminCredentials admin = server.admin().credentials();
    MediaClients.trustServerCertificate(dataDir, work);
    URI endpoint;
    try (KinesisVideoClient kvs = TestServers.adminClient(server)) {
      kvs.createStream(r -> r.streamName("door").dataRetentionInHours(24));
      endpoint = MediaClients.dataEndpoint(kvs, "door", APIName.GET_MEDIA);
    }
    try (KinesisVideoMediaClient media = MediaClients.media(endpoint, admin.accessKeyId(), admin.secretAccessKey());
        ResponseInputStream<GetMediaResponse> in = media.getMedia(r -> r.streamName("door")
            .startSelector(s -> s.startSelectorType(StartSelectorType.NOW)), ResponseTransformer.toInputStream())) {
      // the response headers are in: the session is open at the live edge of an idle stream
      assertTimeoutPreemptively(Duration.ofSeconds(60), server::stop,
          "stop() waited for the live reader instead of ending its response");
      assertEquals(-1, readAll(in), "the response ends cleanly, with no bytes (no fragment was sent)");
    } finally {
      System.clearProperty("javax.net.ssl.trustStore");
      System.clearProperty("javax.net.ssl.trustStorePassword");
      System.clearProperty("javax.net.ssl.trustStoreType");
    }
  }

  private static int readAll(InputStream in) throws Exception {
    byte[] buf = new byte[8192];
    int n;
    int last = -1;
    while ((n = in.read(buf)) >= 0) {
      last = n;
    }
    return last;
  }
}
