package io.vidlog.server.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.webplayer.WebPlayerAssets;
import io.vidlog.webplayer.WebPlayerAssets.Asset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Serves the web player's files ({@link WebPlayerAssets}) at {@code /}: one PUBLIC route per file,
 * loaded once at start (a few hundred KB; pinned third-party code verified then), each with its
 * content type, a strong ETag (a 304 for a matching {@code If-None-Match}), a gzip variant where it
 * is smaller, and the caching its kind allows: the player's own files are revalidated on every use
 * (a new server version shows at once), the versioned hls.js is immutable. The page gets the
 * document security headers: a Content-Security-Policy that admits only this origin's scripts,
 * styles, media and connections (and the blob: workers and media sources hls.js makes), no framing,
 * no referrer.
 */
public final class WebPlayerApi implements ApiModule {
  static final String REASON = "the web player's static files: public code and styles, no data and no secrets";
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
      + "media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; form-action 'self'; "
      + "frame-ancestors 'none'; base-uri 'none'";

  /** One file, ready to send. */
  private record Loaded(Asset asset, Buffer plain, Buffer gzip, String etag) {}

  private final List<Loaded> files;

  /** Loads every file now. @throws IllegalStateException when one is missing or pinned code was altered */
  public WebPlayerApi() {
    List<Loaded> out = new ArrayList<>();
    for (Asset a : WebPlayerAssets.all()) {
      byte[] bytes = WebPlayerAssets.load(a);
      byte[] gz = compressible(a.contentType()) ? gzip(bytes) : null;
      out.add(new Loaded(a, Buffer.buffer(bytes), gz != null && gz.length < bytes.length ? Buffer.buffer(gz) : null,
          etag(bytes)));
    }
    this.files = List.copyOf(out);
  }

  @Override
  public List<ApiRoute> routes() {
    List<ApiRoute> routes = new ArrayList<>();
    for (Loaded f : files) {
      routes.add(ApiRoute.publicGet(f.asset().path(), ApiRoute.Response.SHORT, REASON, ctx -> serve(ctx, f)));
    }
    return routes;
  }

  private static void serve(RoutingContext ctx, Loaded f) {
    boolean gzip = f.gzip() != null && acceptsGzip(ctx.request().getHeader("accept-encoding"));
    String etag = "\"" + f.etag() + (gzip ? "-gz" : "") + "\"";
    HttpServerResponse resp = ctx.response();
    resp.putHeader("content-type", f.asset().contentType())
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("etag", etag)
        .putHeader("cache-control", f.asset().caching() == WebPlayerAssets.Caching.IMMUTABLE
            ? "public, max-age=31536000, immutable" : "no-cache");
    if (f.gzip() != null) {
      resp.putHeader("vary", "accept-encoding");
    }
    if (f.asset().page()) {
      resp.putHeader("content-security-policy", CSP)
          .putHeader("x-frame-options", "DENY")
          .putHeader("referrer-policy", "no-referrer")
          .putHeader("cross-origin-opener-policy", "same-origin");
    }
    if (matches(ctx.request().getHeader("if-none-match"), etag)) {
      resp.setStatusCode(304).end();
      return;
    }
    if (gzip) {
      resp.putHeader("content-encoding", "gzip").end(f.gzip());
    } else {
      resp.end(f.plain());
    }
  }

  /** Whether an If-None-Match list names {@code etag} (or is {@code *}); weak comparison, RFC 9110 §13.1.2. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String t : ifNoneMatch.split(",")) {
      String v = t.trim();
      if (v.startsWith("W/")) {
        v = v.substring(2);
      }
      if (v.equals("*") || v.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** Whether an Accept-Encoding header admits gzip (a {@code q=0} refuses it, RFC 9110 §12.5.3). */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
      String[] p = part.trim().split(";");
      if (p[0].trim().equals("gzip")) {
        for (int i = 1; i < p.length; i++) {
          String param = p[i].trim().replace(" ", "");
          if (param.matches("q=0(\\.0{0,3})?")) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }

  private static boolean compressible(String contentType) {
    return contentType.startsWith("text/") || contentType.startsWith("image/svg");
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }
}
