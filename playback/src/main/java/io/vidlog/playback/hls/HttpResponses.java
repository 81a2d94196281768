package io.vidlog.playback.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * How the HLS URL family answers over HTTP (docs/wire-protocol.md §3.5): CORS for players on other
 * origins (Fetch standard, "CORS protocol"), an exact Content-Length on every response, HEAD with
 * the GET's headers and no body (RFC 9110 §9.3.2), gzip for playlists when the client accepts it,
 * and single byte ranges on segments (RFC 9110 §14).
 */
final class HttpResponses {
  static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
  /** Segments are written in writes of about this many bytes (each a TLS record or a few). */
  private static final int WRITE_BYTES = 64 * 1024;

  private HttpResponses() {}

  /**
   * Lets any origin read the response: the session URL is itself the credential, no cookie or
   * header is involved, so a page that holds it may play it wherever it is served from.
   */
  static void cors(HttpServerResponse response) {
    response.putHeader("Access-Control-Allow-Origin", "*");
    response.putHeader("Access-Control-Expose-Headers",
        "Content-Length, Content-Range, Accept-Ranges, x-amzn-RequestId, x-amzn-ErrorType");
  }

  /** The answer to a CORS preflight (OPTIONS): GET and HEAD, with a Range header if the player sends one. */
  static void preflight(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    cors(response);
    response.putHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
    String asked = request.getHeader("Access-Control-Request-Headers");
    response.putHeader("Access-Control-Allow-Headers", asked != null && asked.length() <= 1024 ? asked : "Range");
    response.putHeader("Access-Control-Max-Age", "86400");
    response.putHeader(HttpHeaders.CONTENT_LENGTH, "0");
    response.setStatusCode(204).end();
  }

  /** A playlist: gzip when accepted (and smaller), with its exact length. */
  static void playlist(HttpServerRequest request, String text, String cacheControl) {
    document(request, text, cacheControl, PLAYLIST_TYPE);
  }

  /** A playlist already in UTF-8. */
  static void playlist(HttpServerRequest request, byte[] text, String cacheControl) {
    document(request, text, cacheControl, PLAYLIST_TYPE);
  }

  /** A text document (a playlist, a DASH manifest) of {@code contentType}, gzipped when the client takes it. */
  static void document(HttpServerRequest request, String text, String cacheControl, String contentType) {
    document(request, text.getBytes(StandardCharsets.UTF_8), cacheControl, contentType);
  }

  private static void document(HttpServerRequest request, byte[] plain, String cacheControl, String contentType) {
    HttpServerResponse response = request.response();
    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    response.putHeader(HttpHeaders.CACHE_CONTROL, cacheControl);
    response.putHeader(HttpHeaders.VARY, "Accept-Encoding");
    byte[] body = plain;
    if (acceptsGzip(request.getHeader(HttpHeaders.ACCEPT_ENCODING))) {
      byte[] zipped = gzip(plain);
      if (zipped.length < plain.length) {
        body = zipped;
        response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
      }
    }
    whole(request, body);
  }

  /** A small binary body (an init segment). */
  static void bytes(HttpServerRequest request, byte[] body, String contentType, String cacheControl, String etag) {
    HttpServerResponse response = request.response();
    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    response.putHeader(HttpHeaders.CACHE_CONTROL, cacheControl);
    response.putHeader(HttpHeaders.ETAG, etag);
    whole(request, body);
  }

  private static void whole(HttpServerRequest request, byte[] body) {
    HttpServerResponse response = request.response();
    response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length));
    if (request.method() == HttpMethod.HEAD) {
      response.end();
    } else {
      response.end(Buffer.buffer(body));
    }
  }

  /** A byte range asked for, resolved against a length (RFC 9110 §14.1.2). */
  record Range(long start, long length) {}

  /**
   * The one range of a {@code Range} header against a body of {@code total} bytes: null to send the
   * whole body (no header, a header that is not one {@code bytes} range, or an If-Range that does
   * not match); a range of length -1 when it cannot be satisfied (416).
   */
  static Range range(String header, String ifRange, String etag, long total) {
    if (header == null || ifRange != null && !ifRange.equals(etag)) {
      return null;
    }
    String h = header.trim().toLowerCase(Locale.ROOT);
    if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
      return null; // several ranges: a server may send the whole body instead (RFC 9110 §14.2)
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0) {
          return new Range(0, -1);
        }
        long n = Math.min(suffix, total);
        return new Range(total - n, n);
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? total - 1 : Math.min(Long.parseLong(b), total - 1);
      if (first < 0 || b.length() > 0 && Long.parseLong(b) < first) {
        return null; // not a valid range-spec: ignored (RFC 9110 §14.2)
      }
      if (first >= total) {
        return new Range(0, -1);
      }
      return new Range(first, last - first + 1);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Writes a segment made of {@code parts} ({@code total} bytes), or the range of it the request asks
   * for, honouring the connection's back-pressure; the parts are sent as they are (no copy).
   */
  static Future<Void> segment(HttpServerRequest request, long total, Sliceable parts, String contentType,
      String cacheControl, String etag) {
    HttpServerResponse response = request.response();
    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    response.putHeader(HttpHeaders.CACHE_CONTROL, cacheControl);
    response.putHeader(HttpHeaders.ETAG, etag);
    response.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    Range r = range(request.getHeader("Range"), request.getHeader("If-Range"), etag, total);
    long start = 0;
    long length = total;
    if (r != null && r.length() < 0) {
      response.putHeader("Content-Range", "bytes */" + total);
      response.putHeader(HttpHeaders.CONTENT_LENGTH, "0");
      response.setStatusCode(416);
      return response.end();
    }
    if (r != null) {
      start = r.start();
      length = r.length();
      response.setStatusCode(206);
      response.putHeader("Content-Range", "bytes " + start + "-" + (start + length - 1) + "/" + total);
    }
    response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    if (request.method() == HttpMethod.HEAD) {
      return response.end();
    }
    List<ByteBuf> writes = groups(parts.slice(start, length));
    Promise<Void> done = Promise.promise();
    // a player that goes away while the connection is full would never drain: the segment's frames
    // must still be let go
    response.closeHandler(v -> done.tryFail("the client went away"));
    response.exceptionHandler(done::tryFail);
    writeFrom(response, writes, 0, done);
    return done.future();
  }

  /** The bytes of a body from an offset, as views. */
  @FunctionalInterface
  interface Sliceable {
    List<ByteBuffer> slice(long offset, long length);
  }

  /** Groups views into writes of about {@link #WRITE_BYTES}, each a composite of the views (no copy). */
  private static List<ByteBuf> groups(List<ByteBuffer> views) {
    List<ByteBuf> out = new ArrayList<>();
    List<ByteBuffer> group = new ArrayList<>();
    long bytes = 0;
    for (ByteBuffer v : views) {
      group.add(v);
      bytes += v.remaining();
      if (bytes >= WRITE_BYTES) {
        out.add(Unpooled.wrappedBuffer(group.toArray(new ByteBuffer[0])));
        group.clear();
        bytes = 0;
      }
    }
    if (!group.isEmpty()) {
      out.add(Unpooled.wrappedBuffer(group.toArray(new ByteBuffer[0])));
    }
    return out;
  }

  private static void writeFrom(HttpServerResponse response, List<ByteBuf> writes, int next, Promise<Void> done) {
    int i = next;
    while (i < writes.size()) {
      if (response.closed()) {
        done.tryFail("the client went away");
        return;
      }
      if (i == writes.size() - 1) {
        response.end(BufferInternal.buffer(writes.get(i))).onComplete(ar -> settle(done, ar));
        return;
      }
      response.write(BufferInternal.buffer(writes.get(i++)));
      if (response.writeQueueFull()) {
        int resume = i;
        response.drainHandler(v -> writeFrom(response, writes, resume, done));
        return;
      }
    }
    response.end().onComplete(ar -> settle(done, ar));
  }

  /**
   * Settles {@code done} with the end's outcome unless the close handler settled it first: a player
   * that closes its connection as soon as the last byte arrived makes both happen, in either order.
   */
  private static void settle(Promise<Void> done, AsyncResult<Void> ended) {
    if (ended.succeeded()) {
      done.tryComplete();
    } else {
      done.tryFail(ended.cause());
    }
  }

  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      String[] p = part.trim().split(";");
      String coding = p[0].trim().toLowerCase(Locale.ROOT);
      if (coding.equals("gzip") || coding.equals("x-gzip")) {
        for (int i = 1; i < p.length; i++) {
          String q = p[i].trim().toLowerCase(Locale.ROOT);
          if (q.startsWith("q=") && q.substring(2).trim().matches("0(\\.0{0,3})?")) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }

  /**
   * One compressor per thread, reset for each document: a new one allocates and clears zlib's state
   * (a few hundred KB) each time, which costs more than compressing a playlist, and each live
   * playlist response is compressed anew (its token differs). The default level, so the bytes are
   * those GZIPOutputStream writes: with the fastest level ffmpeg's HLS reader stopped after the
   * first segment of a live replay, a cause not yet found.
   */
  private static final ThreadLocal<Deflater> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.DEFAULT_COMPRESSION, true));
  /** The gzip member header (RFC 1952 §2.3): deflate, no flags, no time, unknown OS. */
  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  /** {@code plain} as one gzip member (RFC 1952). */
  static byte[] gzip(byte[] plain) {
    Deflater d = DEFLATERS.get();
    d.reset();
    d.setInput(plain);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 4 + 64);
    out.write(GZIP_HEADER, 0, GZIP_HEADER.length);
    byte[] buf = new byte[Math.min(64 * 1024, plain.length / 2 + 64)];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    CRC32 crc = new CRC32();
    crc.update(plain);
    writeIntLe(out, (int) crc.getValue());
    writeIntLe(out, plain.length); // ISIZE: the length modulo 2^32
    return out.toByteArray();
  }

  private static void writeIntLe(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >>> 8);
    out.write(v >>> 16);
    out.write(v >>> 24);
  }
}
