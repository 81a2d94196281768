package io.vidlog.server.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.testing.NpmTools;
import io.vidlog.webplayer.WebPlayerAssets;
import io.vidlog.webplayer.WebPlayerAssets.Asset;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * hls.js playing a URL in headless Chromium (Debian's {@code chromium}), the way a web page on another
 * origin plays a session URL: a page served from a local HTTP server loads a given hls.js build
 * ({@link HlsJs}: the one the web player ships, or the newest from npm), plays the URL muted (LL-HLS
 * with the web player's {@code lowlatency.js}) and posts what happened back to that server. Chromium accepts the test server's self-signed certificate. When
 * Chromium or hls.js is missing the test fails (interop tests never skip).
 */
public final class HlsJsPage implements AutoCloseable {
  /** The hls.js {@code scripts/test.sh} installs from npm (newer than the one Maven Central serves). */
  public static final String NPM_VERSION = "1.7.4";

  /** An hls.js build: its version (as {@code Hls.version} reports it) and {@code hls.min.js}. */
  public record HlsJs(String version, byte[] script) {
    /** What the web player serves at {@link WebPlayerAssets#hlsJsPath()}, checked against its pinned digest. */
    public static HlsJs shipped() {
      Asset asset = WebPlayerAssets.all().stream().filter(a -> a.path().equals(WebPlayerAssets.hlsJsPath()))
          .findFirst().orElseThrow();
      return new HlsJs(WebPlayerAssets.HLS_JS_VERSION, WebPlayerAssets.load(asset));
    }

    /**
     * {@link #NPM_VERSION} as {@code scripts/test.sh} installs it into {@code .tools/hlsjs} (or where
     * the {@code vidlog.hlsjs} property says).
     */
    public static HlsJs npm() throws IOException {
      return new HlsJs(NPM_VERSION, Files.readAllBytes(NpmTools.installed("vidlog.hlsjs", "hlsjs", "hls.js",
          NPM_VERSION, "dist/hls.min.js")));
    }
  }

  private final HttpServer http;
  private final HlsJs hlsJs;
  private final byte[] page;
  private volatile CompletableFuture<JsonObject> report = new CompletableFuture<>();
  private volatile String progress = "(nothing yet)";

  public HlsJsPage(HlsJs hlsJs) throws IOException {
    this.hlsJs = hlsJs;
    try (InputStream in = HlsJsPage.class.getResourceAsStream("/hlsjs/play.html")) {
      page = in.readAllBytes();
    }
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    http.createContext("/play.html", ex -> send(ex, "text/html", page));
    http.createContext("/hls.js", ex -> send(ex, "text/javascript", hlsJs.script()));
    byte[] lowLatency = WebPlayerAssets.load(WebPlayerAssets.all().stream()
        .filter(a -> a.path().equals("/assets/lowlatency.js")).findFirst().orElseThrow());
    http.createContext("/lowlatency.js", ex -> send(ex, "text/javascript", lowLatency));
    http.createContext("/report", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      send(ex, "text/plain", new byte[0]);
      report.complete(new JsonObject(body));
    });
    http.createContext("/progress", ex -> {
      progress = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      send(ex, "text/plain", new byte[0]);
    });
    http.start();
  }

  /** The version of the hls.js this page plays with. */
  public String version() {
    return hlsJs.version();
  }

  private static void send(HttpExchange ex, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
    ex.close();
  }

  /**
   * Plays {@code url} until the video has played {@code seconds} past its first frame, or ended, or
   * hls.js reported a fatal error; returns the page's report.
   */
  public JsonObject play(String url, double seconds, Path profile) throws Exception {
    return play(url, seconds, profile, false);
  }

  /**
   * As {@link #play(String, double, Path)}; {@code lowLatency}: with hls.js's lowLatencyMode, and
   * the report carries the stalls after start-up ({@code stalls}: the times of {@code waiting}
   * events with less than 0.1 s buffered ahead, and of hls.js's {@code bufferStalledError}s;
   * {@code waits}: {@code waiting} events with the buffer ahead), the latency of the frame on screen sampled twice a second ({@code latencies}, ms: the
   * wall clock minus hls.js's playingDate, the PROGRAM-DATE-TIME of the frame shown;
   * {@code mediaLatencies}: the same from the media's decode times, which vidlog's fMP4 makes the
   * producer timestamps) and a {@code trace} of what hls.js did (playlists loaded, parts buffered
   * with the buffered ranges, errors). Chromium's log (page console included) and its network log
   * ({@code <profile>.netlog.json}) are written next to the profile directory.
   */
  public JsonObject play(String url, double seconds, Path profile, boolean lowLatency) throws Exception {
    return play(url, seconds, profile, lowLatency, "");
  }

  /**
   * As {@link #play(String, double, Path, boolean)}, with more of the page's query parameters
   * ({@code &name=value...}, see {@code play.html}).
   */
  public JsonObject play(String url, double seconds, Path profile, boolean lowLatency, String options)
      throws Exception {
    report = new CompletableFuture<>();
    progress = "(nothing yet)";
    String page = "http://127.0.0.1:" + http.getAddress().getPort() + "/play.html?seconds=" + seconds
        + (lowLatency ? "&ll=1" : "") + options + "&src=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
    Process chromium = new ProcessBuilder(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--ignore-certificate-errors",
        "--autoplay-policy=no-user-gesture-required", "--enable-logging=stderr", "--v=0", "--log-net-log=" + profile + ".netlog.json", page))
        .redirectErrorStream(true).redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile())
        .start();
    try {
      return report.get(90 + (long) seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the page reported no end of playback within " + (90 + (long) seconds)
          + " s; last seen: " + progress, e);
    } finally {
      chromium.destroy();
      if (!chromium.waitFor(10, TimeUnit.SECONDS)) {
        chromium.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
