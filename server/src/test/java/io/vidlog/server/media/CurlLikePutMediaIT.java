package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.HeaderSigner;
import io.vidlog.server.support.LogCapture;
import io.vidlog.server.support.TestServers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;

/**
 * PutMedia as the KVS C producer SDK sends it through curl: chunked, with {@code connection} and
 * {@code transfer-encoding} among the signed headers, over a connection whose ALPN offers h2 and
 * http/1.1. Over HTTP/2 curl drops those two headers (RFC 9113 §8.2.2) and the signature cannot
 * verify; the endpoint GetDataEndpoint(PUT_MEDIA) names must therefore speak HTTP/1.1, while the
 * main port keeps HTTP/2 for everything else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CurlLikePutMediaIT {
  VidlogServer server;
  AdminCredentials admin;
  Vertx vertx;
  HttpClient http;
  byte[] mkv;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = TestServers.start(dir, Map.of());
    admin = server.admin().credentials();
    vertx = Vertx.vertx();
    // ALPN offers h2 first, then http/1.1, as curl does
    http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2));
    mkv = MediaClients.resource("ffmpeg-live-av.mkv");
  }

  @AfterAll
  void stop() {
    vertx.close().await();
    server.stop();
  }

  record Reply(HttpVersion version, int status, String body) {
    List<String> events(String type) {
      List<String> out = new ArrayList<>();
      for (String line : body.split("\n")) {
        if (!line.isBlank() && type.equals(new JsonObject(line).getString("EventType"))) {
          out.add(line);
        }
      }
      return out;
    }
  }

  @Test
  void aCurlLikeProducerUploadsToTheEndpointGetDataEndpointNames() throws Exception {
    URI endpoint;
    try (KinesisVideoClient kvs = TestServers.adminClient(server)) {
      kvs.createStream(r -> r.streamName("curl-1").dataRetentionInHours(24));
      endpoint = MediaClients.dataEndpoint(kvs, "curl-1", APIName.PUT_MEDIA);
    }
    Reply reply = putMedia(endpoint, "curl-1");
    assertEquals(200, reply.status(), reply.version() + ": " + reply.body());
    assertEquals(HttpVersion.HTTP_1_1, reply.version(), "ALPN on the PutMedia endpoint");
    assertEquals(4, reply.events("PERSISTED").size(), reply.body()); // the fixture has four fragments
    assertTrue(reply.events("ERROR").isEmpty(), reply.body());

    // the main port still negotiates HTTP/2 for the other APIs (browsers play HLS over it)
    HttpClientResponse health = http.request(new RequestOptions().setMethod(HttpMethod.GET)
        .setHost(server.url().getHost()).setPort(server.url().getPort()).setURI("/health"))
        .compose(HttpClientRequest::send).await(20, TimeUnit.SECONDS);
    assertEquals(HttpVersion.HTTP_2, health.version());
    assertEquals(200, health.statusCode());
  }

  @Test
  void aPutMediaRefusedOverHttp2IsLoggedWithTheReason() throws Exception {
    try (KinesisVideoClient kvs = TestServers.adminClient(server)) {
      kvs.createStream(r -> r.streamName("curl-2").dataRetentionInHours(24));
    }
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < 3; i++) {
        Reply reply = putMedia(server.url(), "curl-2"); // the main port: HTTP/2
        assertEquals(HttpVersion.HTTP_2, reply.version());
        assertEquals(401, reply.status(), reply.body());
      }
      List<String> refused = log.lines().stream().filter(l -> l.contains("refused POST /putMedia")).toList();
      assertEquals(3, refused.size(), "each refusal, well under the rate limit: " + refused);
      for (String line : refused) {
        assertTrue(line.startsWith("WARN ") && line.contains("over HTTP/2") && line.contains("stream curl-2")
            && line.contains("wrong signature") && line.contains("HTTP/1.1 ingest endpoint"), line);
        assertFalse(line.contains(admin.secretAccessKey()));
      }
    }
  }

  /** Uploads the fixture as curl would: signed hop-by-hop headers, dropped again if HTTP/2 was negotiated. */
  private Reply putMedia(URI endpoint, String stream) throws Exception {
    HttpClientRequest req = http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(endpoint.getHost())
        .setPort(endpoint.getPort()).setURI("/putMedia")).await(20, TimeUnit.SECONDS);
    HttpVersion version = req.connection().protocolVersion();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("host", endpoint.getHost() + ":" + endpoint.getPort());
    headers.put("accept", "*/*");
    headers.put("connection", "keep-alive");
    headers.put("transfer-encoding", "chunked");
    headers.put("user-agent", "curl-like-test/1.0");
    headers.put("x-amzn-stream-name", stream);
    headers.put("x-amzn-fragment-timecode-type", "RELATIVE");
    headers.put("x-amzn-producer-start-timestamp", String.format("%.3f", System.currentTimeMillis() / 1000.0 - 60));
    headers.put("x-amzn-fragment-acknowledgment-required", "1");
    Map<String, String> signed = HeaderSigner.sign("POST", "/putMedia", headers, admin.accessKeyId(),
        admin.secretAccessKey(), "us-west-2");
    signed.forEach((name, value) -> {
      boolean hopByHop = name.equals("connection") || name.equals("transfer-encoding");
      // host is the request's authority; transfer-encoding is the client's own framing
      if (!name.equals("host") && !(hopByHop && version == HttpVersion.HTTP_2) && !name.equals("transfer-encoding")) {
        req.putHeader(name, value);
      }
    });
    req.setChunked(true);
    var response = req.response();
    for (int off = 0; off < mkv.length; off += 1024) {
      req.write(Buffer.buffer(java.util.Arrays.copyOfRange(mkv, off, Math.min(mkv.length, off + 1024))));
    }
    req.end();
    HttpClientResponse r = response.await(60, TimeUnit.SECONDS);
    Buffer body = r.body().await(60, TimeUnit.SECONDS);
    return new Reply(r.version(), r.statusCode(), body.toString(StandardCharsets.UTF_8));
  }
}
