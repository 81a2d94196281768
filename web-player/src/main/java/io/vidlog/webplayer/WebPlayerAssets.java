package io.vidlog.webplayer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Every file of the web player, with the URL path it is served at, its content type and how long
 * a browser may keep it. The list is explicit (no directory scan): the server declares exactly one
 * public route per entry, so a file dropped into the resources by mistake is never served.
 *
 * <p>hls.js is third-party code executed in the page: its bytes are pinned by a SHA-384 digest
 * ({@link #HLS_JS_INTEGRITY}), checked when the assets are loaded ({@link #load}: a mismatch stops the
 * server from starting) and by the browser through the page's {@code integrity} attribute (W3C
 * Subresource Integrity), which {@code WebPlayerAssetsTest} keeps equal to the pin.
 */
public final class WebPlayerAssets {
  /** hls.js as the webjar {@code org.webjars.npm:hls.js} ships it (byte-identical to the npm release). */
  public static final String HLS_JS_VERSION = "1.4.12";
  /** SHA-384 of {@code dist/hls.min.js} 1.4.12, in SRI form. */
  public static final String HLS_JS_INTEGRITY = "sha384-miJUhTuRucSoqFe3/VSB2sRghSMoev6wpPoEyj5fhF0PARehD+naPBsAkl5NqwPO";

  private static final String SITE = "io/vidlog/webplayer/site/";
  private static final String HLS_JS_DIR = "META-INF/resources/webjars/hls.js/" + HLS_JS_VERSION + "/";

  /** How long a browser may reuse a file without asking. */
  public enum Caching {
    /** Our own files: reuse only after revalidating (an ETag makes that a cheap 304), so a new server version is seen at once. */
    REVALIDATE,
    /** A versioned third-party file: its path names its version, so its bytes never change. */
    IMMUTABLE
  }

  /**
   * One served file.
   *
   * @param path the URL path ({@code /} for the page)
   * @param resource the class-path resource holding its bytes
   * @param integrity the pinned SRI digest, or null for the player's own files
   */
  public record Asset(String path, String resource, String contentType, Caching caching, String integrity) {
    public Asset {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(resource, "resource");
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(caching, "caching");
    }

    /** The page itself (it gets the document security headers). */
    public boolean page() {
      return contentType.startsWith("text/html");
    }
  }

  private static final String JS = "text/javascript; charset=utf-8";

  private static final List<Asset> ALL = List.of(
      own("/", "index.html", "text/html; charset=utf-8"),
      own("/assets/app.css", "app.css", "text/css; charset=utf-8"),
      own("/assets/app.js", "app.js", JS),
      own("/assets/api.js", "api.js", JS),
      own("/assets/watch.js", "watch.js", JS),
      own("/assets/lowlatency.js", "lowlatency.js", JS),
      own("/assets/download.js", "download.js", JS),
      own("/assets/timeline.js", "timeline.js", JS),
      own("/assets/mkvtags.js", "mkvtags.js", JS),
      own("/assets/format.js", "format.js", JS),
      own("/assets/icon.svg", "icon.svg", "image/svg+xml"),
      new Asset(hlsJsPath(), HLS_JS_DIR + "dist/hls.min.js", JS, Caching.IMMUTABLE, HLS_JS_INTEGRITY),
      new Asset("/assets/vendor/hls.js/" + HLS_JS_VERSION + "/LICENSE", HLS_JS_DIR + "LICENSE",
          "text/plain; charset=utf-8", Caching.IMMUTABLE, null));

  private WebPlayerAssets() {}

  /** Every file, the page first. */
  public static List<Asset> all() {
    return ALL;
  }

  /** Where the page loads hls.js from (the path names the version, so the file can be cached for good). */
  public static String hlsJsPath() {
    return "/assets/vendor/hls.js/" + HLS_JS_VERSION + "/hls.min.js";
  }

  /**
   * The asset's bytes from the class path.
   *
   * @throws IllegalStateException when the resource is missing or its bytes do not match the pinned digest
   */
  public static byte[] load(Asset asset) {
    byte[] bytes;
    try (InputStream in = WebPlayerAssets.class.getClassLoader().getResourceAsStream(asset.resource())) {
      if (in == null) {
        throw new IllegalStateException("web player file missing from the class path: " + asset.resource());
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + asset.resource(), e);
    }
    if (asset.integrity() != null && !asset.integrity().equals(sri(bytes))) {
      throw new IllegalStateException(asset.resource() + " does not match its pinned digest " + asset.integrity()
          + " (it is " + sri(bytes) + "): refusing to serve altered third-party code");
    }
    return bytes;
  }

  /** The SHA-384 Subresource Integrity string of {@code bytes} ({@code sha384-<base64>}). */
  public static String sri(byte[] bytes) {
    try {
      return "sha384-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-384").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-384 is a required JDK algorithm", e);
    }
  }

  private static Asset own(String path, String file, String contentType) {
    return new Asset(path, SITE + file, contentType, Caching.REVALIDATE, null);
  }
}
