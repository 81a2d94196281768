package io.vidlog.server.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.http.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger {@code vidlog.access}, written when the response ends (a live
 * GetMedia or PutMedia when it closes):
 * <pre>
 * 127.0.0.1 "POST /getMedia" 200 52811 1520ms key=AKIA… stream=cam-1 rid=…
 * </pre>
 * Client address, method and path, status, response bytes, duration, the access key (or {@code -}),
 * the stream the request was authorized for (or {@code -}) and the request id the client was given.
 * Never the query string (presigned signatures and session tokens travel there), a header, a
 * signature or a secret. Route it to its own file with the logger name; raise the level to turn it off.
 */
public final class AccessLog {
  public static final String LOGGER = "vidlog.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private AccessLog() {}

  /** A per-request handler placed right after the request id. */
  public static void handle(RoutingContext ctx) {
    if (!LOG.isInfoEnabled()) {
      ctx.next();
      return;
    }
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> LOG.info(line(ctx, (System.nanoTime() - start) / 1_000_000L)));
    ctx.next();
  }

  static String line(RoutingContext ctx, long millis) {
    HttpServerRequest req = ctx.request();
    SocketAddress remote = req.remoteAddress();
    String key = Caller.keyIdOf(ctx);
    String stream = Caller.streamOf(ctx);
    return (remote == null ? "-" : remote.hostAddress()) + " \"" + req.method().name() + " " + printable(req.path())
        + "\" " + ctx.response().getStatusCode() + " " + ctx.response().bytesWritten() + " " + millis + "ms key="
        + (key == null ? "-" : key) + " stream=" + (stream == null ? "-" : stream) + " rid=" + RequestIds.of(ctx);
  }

  /** The path as sent, bounded and without control characters (a hostile path cannot forge log lines). */
  private static String printable(String path) {
    if (path == null) {
      return "-";
    }
    String p = path.length() > 256 ? path.substring(0, 256) + "…" : path;
    StringBuilder b = new StringBuilder(p.length());
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      b.append(c < 0x20 || c == 0x7f || c == '"' ? '?' : c);
    }
    return b.toString();
  }
}
