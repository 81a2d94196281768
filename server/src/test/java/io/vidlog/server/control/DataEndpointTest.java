package io.vidlog.server.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.net.HostAndPort;
import java.net.URI;
import org.junit.jupiter.api.Test;

class DataEndpointTest {
  static final HostAndPort NO_PORT = HostAndPort.create("localhost", -1);

  static DataEndpoint endpoint(String publicUrl, String publicIngestUrl, boolean ingest) {
    return new DataEndpoint(publicUrl == null ? null : URI.create(publicUrl),
        publicIngestUrl == null ? null : URI.create(publicIngestUrl), "https", () -> 8443, ingest ? () -> 8444 : null);
  }

  @Test
  void aHostWithoutPortGetsTheListeningPort() {
    DataEndpoint e = endpoint(null, null, true);
    assertEquals("https://localhost:8443", e.forAuthority(NO_PORT, "GET_MEDIA"));
    assertEquals("https://localhost:8444", e.forAuthority(NO_PORT, "PUT_MEDIA"));
    assertEquals("https://localhost:8443", e.forAuthority(null, "LIST_FRAGMENTS"));
  }

  @Test
  void theClientsOwnPortIsKeptExceptForPutMedia() {
    DataEndpoint e = endpoint(null, null, true);
    assertEquals("https://cams.example.com:443", e.forAuthority(HostAndPort.create("cams.example.com", 443), "GET_HLS_STREAMING_SESSION_URL"));
    assertEquals("https://cams.example.com:8444", e.forAuthority(HostAndPort.create("cams.example.com", 443), "PUT_MEDIA"));
    assertEquals("https://[::1]:9000", e.forAuthority(HostAndPort.create("::1", 9000), "GET_MEDIA"));
    assertEquals("https://[::1]:8444", e.forAuthority(HostAndPort.create("[::1]", 9000), "PUT_MEDIA"));
  }

  @Test
  void configuredUrlsWin() {
    DataEndpoint e = endpoint("https://video.example.com/", null, true);
    assertEquals("https://video.example.com", e.forAuthority(NO_PORT, "GET_MEDIA"));
    assertEquals("https://video.example.com:8444", e.forAuthority(NO_PORT, "PUT_MEDIA"));
    DataEndpoint both = endpoint("https://video.example.com", "https://ingest.example.com:9443", true);
    assertEquals("https://ingest.example.com:9443", both.forAuthority(NO_PORT, "PUT_MEDIA"));
    assertEquals("https://video.example.com", both.forAuthority(NO_PORT, "GET_CLIP"));
  }

  @Test
  void withoutAnIngestListenerPutMediaIsServedLikeTheRest() {
    assertEquals("https://localhost:8443", endpoint(null, null, false).forAuthority(NO_PORT, "PUT_MEDIA"));
    assertEquals("https://video.example.com", endpoint("https://video.example.com", null, false).forAuthority(NO_PORT, "PUT_MEDIA"));
  }
}
