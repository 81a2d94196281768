package io.vidlog.webplayer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.webplayer.WebPlayerAssets.Asset;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WebPlayerAssetsTest {

  private static Asset byPath(String path) {
    return WebPlayerAssets.all().stream().filter(a -> a.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no asset at " + path));
  }

  private static String text(String path) {
    return new String(WebPlayerAssets.load(byPath(path)), StandardCharsets.UTF_8);
  }

  @Test
  void hlsJsIsThePinnedReleaseAndThePageAsksTheBrowserToCheckIt() {
    Asset hls = byPath(WebPlayerAssets.hlsJsPath());
    byte[] bytes = WebPlayerAssets.load(hls);
    assertEquals(WebPlayerAssets.HLS_JS_INTEGRITY, WebPlayerAssets.sri(bytes));
    assertTrue(new String(bytes, 0, 2000, StandardCharsets.UTF_8).contains("function"), "a script");

    Matcher m = Pattern.compile("<script src=\"([^\"]+)\" integrity=\"([^\"]+)\"").matcher(text("/"));
    assertTrue(m.find(), "the page loads hls.js with an integrity attribute");
    assertEquals(WebPlayerAssets.hlsJsPath(), m.group(1));
    assertEquals(WebPlayerAssets.HLS_JS_INTEGRITY, m.group(2));
  }

  @Test
  void alteredPinnedCodeIsRefused() {
    Asset hls = byPath(WebPlayerAssets.hlsJsPath());
    Asset tampered = new Asset(hls.path(), hls.resource(), hls.contentType(), hls.caching(),
        "sha384-" + "A".repeat(64));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> WebPlayerAssets.load(tampered));
    assertTrue(e.getMessage().contains("does not match its pinned digest"), e.getMessage());
  }

  @Test
  void aMissingFileIsRefused() {
    Asset missing = new Asset("/assets/nope.js", "io/vidlog/webplayer/site/nope.js", "text/javascript",
        WebPlayerAssets.Caching.REVALIDATE, null);
    assertThrows(IllegalStateException.class, () -> WebPlayerAssets.load(missing));
  }

  /** The list is explicit: every file the page or a module refers to must be in it, and nothing unused. */
  @Test
  void everyReferencedFileIsListedAndEveryListedFileIsReferenced() {
    Set<String> referenced = new TreeSet<>();
    referenced.add("/");
    Matcher page = Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"").matcher(text("/"));
    while (page.find()) {
      referenced.add(page.group(1));
    }
    Pattern imports = Pattern.compile("from '\\./([a-z]+\\.js)'");
    for (Asset a : WebPlayerAssets.all()) {
      if (a.path().endsWith(".js") && a.integrity() == null) {
        Matcher m = imports.matcher(text(a.path()));
        while (m.find()) {
          referenced.add("/assets/" + m.group(1));
        }
      }
    }
    referenced.add("/assets/vendor/hls.js/" + WebPlayerAssets.HLS_JS_VERSION + "/LICENSE"); // served for its licence terms
    Set<String> listed = new TreeSet<>();
    WebPlayerAssets.all().forEach(a -> listed.add(a.path()));
    assertEquals(listed, referenced);
  }

  @Test
  void contentTypesAndCachingFitEachFile() {
    Set<String> paths = new HashSet<>();
    for (Asset a : WebPlayerAssets.all()) {
      assertTrue(paths.add(a.path()), "listed twice: " + a.path());
      String ext = a.path().equals("/") ? "html" : a.path().substring(a.path().lastIndexOf('.') + 1);
      String expected = switch (ext) {
        case "html" -> "text/html; charset=utf-8";
        case "js" -> "text/javascript; charset=utf-8";
        case "css" -> "text/css; charset=utf-8";
        case "svg" -> "image/svg+xml";
        default -> "text/plain; charset=utf-8";
      };
      assertEquals(expected, a.contentType(), a.path());
      boolean versioned = a.path().contains("/" + WebPlayerAssets.HLS_JS_VERSION + "/");
      assertEquals(versioned ? WebPlayerAssets.Caching.IMMUTABLE : WebPlayerAssets.Caching.REVALIDATE, a.caching(),
          a.path());
    }
    assertTrue(List.copyOf(WebPlayerAssets.all()).get(0).page(), "the page is first");
  }
}
