package io.vidlog.server.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.support.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;

/**
 * The control-plane suite with the {@code s3} backend against S3Proxy in-process (an S3 server
 * nobody here wrote), configured through the same flags an operator uses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3ControlPlaneIT extends ControlPlaneSuite {
  static final String KEY = "vidlog-s3-access";
  static final String SECRET = "vidlog-s3-secret-0123456789";
  S3Proxy proxy;
  VidlogServer server;
  KinesisVideoClient client;
  Path dataDir;
  Map<String, String> flags;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    proxy = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY, SECRET)
        .build();
    proxy.start();
    // S3Proxy offers no start latch: wait for Jetty's state
    Conditions.await("S3Proxy has started", () -> "STARTED".equals(proxy.getState()));
    dataDir = dir;
    flags = Map.of("s3-endpoint", "http://127.0.0.1:" + proxy.getPort(), "s3-bucket", "vidlog-it",
        "s3-access-key", KEY, "s3-secret-key", SECRET);
    server = TestServers.start(dir, flags);
    client = TestServers.adminClient(server);
  }

  @AfterAll
  void stop() throws Exception {
    client.close();
    server.stop();
    proxy.stop();
  }

  @Override
  KinesisVideoClient client() {
    return client;
  }

  @Override
  URI url() {
    return server.url();
  }

  @Override
  URI ingestUrl() {
    return server.ingestUrl();
  }

  /** The streams live in the bucket: a restarted server (same data dir for the keyring) sees them. */
  @Test
  void streamsSurviveARestart() throws Exception {
    String name = unique("persist");
    String arn = client.createStream(r -> r.streamName(name)).streamARN();
    client.close();
    server.stop();
    server = TestServers.start(dataDir, flags);
    client = TestServers.adminClient(server);
    assertEquals(arn, client.describeStream(r -> r.streamName(name)).streamInfo().streamARN());
    assertEquals("s3", server.config().store().backend());
  }
}
