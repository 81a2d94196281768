package io.vidlog.server.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vidlog.kvs.KvsError;
import io.vidlog.server.logging.RateLimitedLog;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Makes refused PutMedia requests visible in the log, rate-limited. A producer whose upload is
 * refused retries at once, many times a second and for ever (the KVS C SDK restarts on error), so
 * one line per refusal would flood the log and none would hide a camera that never uploads. When the
 * refusal is a signature over {@code connection} or {@code transfer-encoding} received over
 * HTTP/2, which cannot carry those headers (RFC 9113 §8.2.2), the line says where such producers
 * must upload instead. One per server (its failure handler's), so servers sharing a JVM do not share
 * the budget.
 */
final class PutMediaRefusals {
  static final String PATH = "/putMedia";
  private final RateLimitedLog log =
      new RateLimitedLog(LoggerFactory.getLogger(PutMediaRefusals.class), Level.WARN, Duration.ofSeconds(10));

  void log(HttpServerRequest req, String requestId, KvsError error, String message) {
    log.log("PutMedia refused over {} from {} (stream {}, request {}): {}: {}{}", version(req.version()),
        ConnectionGuard.clientOf(req.remoteAddress()), streamName(req), requestId, error.type(), message, hint(req, error));
  }

  private static String hint(HttpServerRequest req, KvsError error) {
    if (req.version() != HttpVersion.HTTP_2 || error != KvsError.NOT_AUTHORIZED) {
      return "";
    }
    String auth = req.getHeader("authorization");
    String signed = auth == null ? "" : auth.toLowerCase(Locale.ROOT);
    int at = signed.indexOf("signedheaders=");
    if (at < 0) {
      return "";
    }
    int end = signed.indexOf(',', at);
    String names = ";" + signed.substring(at + "signedheaders=".length(), end < 0 ? signed.length() : end).trim() + ";";
    if (!names.contains(";connection;") && !names.contains(";transfer-encoding;")) {
      return "";
    }
    return " (the client signed connection/transfer-encoding, which HTTP/2 does not carry: it must upload to the "
        + "HTTP/1.1 ingest endpoint that GetDataEndpoint returns for PUT_MEDIA)";
  }

  private static String streamName(HttpServerRequest req) {
    String name = req.getHeader("x-amzn-stream-name");
    // only a valid stream name goes into the log (kvs-api.md §0), never arbitrary client bytes
    return name != null && name.matches("[a-zA-Z0-9_.-]{1,256}") ? name : "-";
  }

  private static String version(HttpVersion v) {
    return switch (v) {
      case HTTP_2 -> "HTTP/2";
      case HTTP_1_0 -> "HTTP/1.0";
      default -> "HTTP/1.1";
    };
  }
}
