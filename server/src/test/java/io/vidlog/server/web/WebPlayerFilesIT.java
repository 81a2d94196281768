package io.vidlog.server.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.server.VidlogServer;
import io.vidlog.server.support.TestServers;
import io.vidlog.webplayer.WebPlayerAssets;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The web player's files as the server serves them: types, caching, revalidation, compression, security headers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebPlayerFilesIT {
  VidlogServer server;
  HttpClient http;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = TestServers.start(dir, Map.of());
    http = TestServers.trustingHttpClient();
  }

  @AfterAll
  void stop() {
    server.stop();
  }

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void thePageIsServedAtTheRootWithDocumentSecurityHeaders() throws Exception {
    HttpResponse<byte[]> r = get("/");
    assertEquals(200, r.statusCode());
    assertEquals("text/html; charset=utf-8", header(r, "content-type"));
    assertEquals("no-cache", header(r, "cache-control"));
    assertEquals("nosniff", header(r, "x-content-type-options"));
    assertEquals("DENY", header(r, "x-frame-options"));
    assertEquals("no-referrer", header(r, "referrer-policy"));
    String csp = header(r, "content-security-policy");
    assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'")
        && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"), csp);
    assertTrue(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).contains("name=\"secretAccessKey\""));
  }

  @Test
  void everyFileRevalidatesWithItsETagAndCompressesWhenAsked() throws Exception {
    for (WebPlayerAssets.Asset a : WebPlayerAssets.all()) {
      byte[] expected = WebPlayerAssets.load(a);
      HttpResponse<byte[]> plain = get(a.path());
      assertEquals(200, plain.statusCode(), a.path());
      assertEquals(a.contentType(), header(plain, "content-type"), a.path());
      assertArrayEquals(expected, plain.body(), a.path());
      assertFalse(plain.headers().firstValue("content-encoding").isPresent(), "gzip only when asked: " + a.path());
      String etag = header(plain, "etag");
      HttpResponse<byte[]> again = get(a.path(), "If-None-Match", etag);
      assertEquals(304, again.statusCode(), a.path());
      assertEquals(0, again.body().length);

      HttpResponse<byte[]> gz = get(a.path(), "Accept-Encoding", "br, gzip");
      if ("gzip".equals(header(gz, "content-encoding"))) {
        assertEquals("accept-encoding", header(gz, "vary"), a.path());
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
          assertArrayEquals(expected, in.readAllBytes(), a.path());
        }
        assertFalse(etag.equals(header(gz, "etag")), "each encoding has its own ETag");
      }
      HttpResponse<byte[]> refused = get(a.path(), "Accept-Encoding", "gzip;q=0");
      assertFalse(refused.headers().firstValue("content-encoding").isPresent(), "q=0 refuses gzip: " + a.path());
    }
    assertEquals("gzip", header(get("/assets/app.js", "Accept-Encoding", "gzip"), "content-encoding"));
  }

  @Test
  void hlsJsIsThePinnedBuildCachedForGood() throws Exception {
    HttpResponse<byte[]> r = get(WebPlayerAssets.hlsJsPath());
    assertEquals(200, r.statusCode());
    assertEquals(WebPlayerAssets.HLS_JS_INTEGRITY, WebPlayerAssets.sri(r.body()));
    assertEquals("public, max-age=31536000, immutable", header(r, "cache-control"));
  }

  @Test
  void aFileThatIsNotListedIsNotServed() throws Exception {
    for (String path : new String[] {"/assets/", "/assets/nope.js", "/index.html",
        "/META-INF/resources/webjars/hls.js/1.4.12/dist/hls.min.js", "/assets/vendor/hls.js/1.4.12/hls.js"}) {
      HttpResponse<byte[]> r = get(path);
      assertEquals(400, r.statusCode(), path);
      assertEquals("UnsupportedOperationException", header(r, "x-amzn-ErrorType"), path);
    }
  }
}
