package io.vidlog.server.control;

import io.vidlog.server.VidlogServer;
import io.vidlog.server.support.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;

/** The control-plane suite against a real HTTPS server over the embedded store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneIT extends ControlPlaneSuite {
  VidlogServer server;
  KinesisVideoClient client;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = TestServers.start(dir, Map.of());
    client = TestServers.adminClient(server);
  }

  @AfterAll
  void stop() {
    client.close();
    server.stop();
  }

  @Override
  KinesisVideoClient client() {
    return client;
  }

  @Override
  URI url() {
    return server.url();
  }
}
