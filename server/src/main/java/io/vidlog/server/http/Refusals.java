package io.vidlog.server.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import io.vidlog.kvs.StreamRules;
import io.vidlog.kvs.http.Caller;
import io.vidlog.server.auth.AuthRefusal;
import io.vidlog.server.logging.RateLimitedLog;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Says in the server log why a request was refused, since the caller is told as little as possible:
 * every authentication failure (with its reason: malformed or expired, unknown key, wrong signature
 * — never the signature or a secret), every policy denial, and every other refused PutMedia (a
 * camera that cannot upload must be visible). Rate-limited, because a client can provoke refusals at
 * any rate (the KVS C SDK retries a refused PutMedia at once and for ever): at most {@value #BURST}
 * lines a minute, then a count. When a PutMedia signature over {@code connection} or
 * {@code transfer-encoding} arrived over HTTP/2, which cannot carry those headers (RFC 9113
 * §8.2.2), the line says where such producers must upload instead. One per server (its failure
 * handler's), so servers sharing a JVM do not share the budget.
 */
final class Refusals {
  static final String PUT_MEDIA = "/putMedia";
  static final int BURST = 60;
  private final RateLimitedLog log =
      new RateLimitedLog(LoggerFactory.getLogger(Refusals.class), Level.WARN, Duration.ofMinutes(1), BURST);

  /** Logs {@code refusal} (a 4xx) if it is one the operator should see. */
  void log(RoutingContext ctx, String requestId, KvsException refusal) {
    HttpServerRequest req = ctx.request();
    String reason;
    if (refusal.getCause() instanceof AuthRefusal a) {
      reason = "authentication failed (" + a.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ')
          + (a.keyId() == null ? "" : ", key " + a.keyId()) + "): " + a.getMessage();
    } else if (refusal.error() == KvsError.ACCESS_DENIED || refusal.error() == KvsError.NOT_AUTHORIZED) {
      reason = "denied by policy: " + refusal.getMessage();
    } else if (PUT_MEDIA.equals(req.path())) {
      reason = refusal.error().type() + ": " + refusal.getMessage();
    } else {
      return;
    }
    log.log("refused {} {} over {} from {} (stream {}, request {}): {}{}", req.method().name(), printablePath(req),
        version(req.version()), ConnectionGuard.clientOf(req.remoteAddress()), streamName(ctx), requestId, reason,
        hint(req, refusal.error()));
  }

  private static String hint(HttpServerRequest req, KvsError error) {
    if (!PUT_MEDIA.equals(req.path()) || req.version() != HttpVersion.HTTP_2 || error != KvsError.NOT_AUTHORIZED) {
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

  /** The stream the request named, if it is a valid name (never arbitrary client bytes in the log). */
  private static String streamName(RoutingContext ctx) {
    String name = Caller.streamOf(ctx);
    if (name == null) {
      name = ctx.request().getHeader("x-amzn-stream-name");
    }
    return StreamRules.isValidName(name) ? name : "-";
  }

  private static String printablePath(HttpServerRequest req) {
    String p = req.path();
    return p == null ? "-" : p.length() > 128 ? p.substring(0, 128) + "…" : p.replaceAll("[^\\x21-\\x7e]", "?");
  }

  private static String version(HttpVersion v) {
    return switch (v) {
      case HTTP_2 -> "HTTP/2";
      case HTTP_1_0 -> "HTTP/1.0";
      default -> "HTTP/1.1";
    };
  }
}
