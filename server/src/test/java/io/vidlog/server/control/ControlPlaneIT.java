package io.vidlog.server.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.RawHttps;
import io.vidlog.server.support.SignedHttp;
import io.vidlog.server.support.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.SdkHttpRequest;
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

  /**
   * The KVS C producer SDK sends {@code Host: localhost} without the port it connected to; the
   * endpoint it gets back must still name that port (and the ingest port for PUT_MEDIA).
   */
  @Test
  void getDataEndpointNamesTheListeningPortWhenTheHostHasNone() throws Exception {
    String name = unique("noport");
    client.createStream(r -> r.streamName(name));
    AdminCredentials admin = server.admin().credentials();
    for (String api : new String[] {"GET_MEDIA", "PUT_MEDIA"}) {
      String body = new JsonObject().put("StreamName", name).put("APIName", api).encode();
      // signed for host "localhost", as the SDK signs what it sends
      SdkHttpRequest signed = new SignedHttp(URI.create("https://localhost"))
          .sign(SignedHttp.Spec.post("/getDataEndpoint", body, admin.accessKeyId(), admin.secretAccessKey()));
      String response = RawHttps.exchange(server.port(), signed, body);
      assertTrue(response.startsWith("HTTP/1.1 200"), response);
      String endpoint = new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4)).getString("DataEndpoint");
      int port = api.equals("PUT_MEDIA") ? server.ingestUrl().getPort() : server.port();
      assertEquals("https://localhost:" + port, endpoint, api);
    }
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
}
