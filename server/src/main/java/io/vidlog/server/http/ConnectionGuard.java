package io.vidlog.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection-level protection (issue 4 §5): at most {@code maxPerIp} concurrent connections per
 * client address (more are closed at once), and a header deadline: a connection that has not
 * delivered a complete request head within {@code headerTimeoutMs} of opening, or of its previous
 * response ending, is closed. Together with the idle timeout this cuts off slowloris clients, which
 * trickle header bytes just fast enough to never be idle.
 */
public final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private final Vertx vertx;
  private final int maxPerIp;
  private final long headerTimeoutMs;
  private final Map<String, AtomicInteger> perIp = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Long> timers = new ConcurrentHashMap<>();

  public ConnectionGuard(Vertx vertx, int maxPerIp, long headerTimeoutMs) {
    this.vertx = vertx;
    this.maxPerIp = maxPerIp;
    this.headerTimeoutMs = headerTimeoutMs;
  }

  /** For {@code HttpServer.connectionHandler}. */
  public void onConnection(HttpConnection conn) {
    String ip = conn.remoteAddress() == null ? "?" : conn.remoteAddress().hostAddress();
    AtomicInteger n = perIp.computeIfAbsent(ip, k -> new AtomicInteger());
    int now = n.incrementAndGet();
    conn.closeHandler(v -> {
      cancel(conn);
      if (n.decrementAndGet() == 0) {
        perIp.remove(ip, n);
      }
    });
    if (now > maxPerIp) {
      LOG.warn("closing connection from {}: more than {} concurrent connections", ip, maxPerIp);
      conn.close();
      return;
    }
    arm(conn);
  }

  /** Called first for every request: its head is complete, so the deadline is met. */
  public void onRequest(HttpServerRequest req) {
    HttpConnection conn = req.connection();
    cancel(conn);
    if (req.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      req.response().endHandler(v -> arm(conn));
    }
  }

  /** Currently open connections from {@code ip} (for tests and metrics). */
  public int connections(String ip) {
    AtomicInteger n = perIp.get(ip);
    return n == null ? 0 : n.get();
  }

  private void arm(HttpConnection conn) {
    long id = vertx.setTimer(headerTimeoutMs, t -> {
      timers.remove(conn);
      LOG.info("closing connection from {}: no complete request head within {} ms",
          conn.remoteAddress(), headerTimeoutMs);
      conn.close();
    });
    Long old = timers.put(conn, id);
    if (old != null) {
      vertx.cancelTimer(old);
    }
  }

  private void cancel(HttpConnection conn) {
    Long id = timers.remove(conn);
    if (id != null) {
      vertx.cancelTimer(id);
    }
  }
}
