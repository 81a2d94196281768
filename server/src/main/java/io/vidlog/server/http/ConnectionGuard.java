package io.vidlog.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vidlog.server.logging.RateLimitedLog;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Connection-level protection, shared by every listener of the server:
 * <ul>
 *   <li>at most {@code maxConnections} concurrent connections in all, and at most {@code maxPerClient}
 *       from one client, where a client is an IPv4 address or an IPv6 /64 (one host's allocation
 *       under RFC 6177 / RFC 7421, so a host cannot get around the cap by rotating through its
 *       own addresses); connections over either cap are closed at once;</li>
 *   <li>a header deadline: a connection that has not delivered a complete request head within
 *       {@code headerTimeoutMs} of opening, or of its previous response ending, is closed. With the
 *       idle timeout this cuts off slowloris clients, which trickle header bytes just fast enough to
 *       never be idle.</li>
 * </ul>
 * Refusals and cut-offs are what a flood produces, so they are logged rate-limited.
 */
public final class ConnectionGuard {
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private final Vertx vertx;
  private final int maxConnections;
  private final int maxPerClient;
  private final long headerTimeoutMs;
  private final AtomicInteger total = new AtomicInteger();
  private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Long> timers = new ConcurrentHashMap<>();
  private final RateLimitedLog refusedLog = new RateLimitedLog(LOG, Level.WARN, LOG_INTERVAL);
  private final RateLimitedLog refusedPerClientLog = new RateLimitedLog(LOG, Level.WARN, LOG_INTERVAL);
  private final RateLimitedLog headerTimeoutLog = new RateLimitedLog(LOG, Level.INFO, LOG_INTERVAL);

  public ConnectionGuard(Vertx vertx, int maxConnections, int maxPerClient, long headerTimeoutMs) {
    this.vertx = vertx;
    this.maxConnections = maxConnections;
    this.maxPerClient = maxPerClient;
    this.headerTimeoutMs = headerTimeoutMs;
  }

  /** For {@code HttpServer.connectionHandler}. */
  public void onConnection(HttpConnection conn) {
    String client = clientOf(conn.remoteAddress());
    AtomicInteger n = perClient.computeIfAbsent(client, k -> new AtomicInteger());
    int fromClient = n.incrementAndGet();
    int all = total.incrementAndGet();
    conn.closeHandler(v -> {
      cancel(conn);
      total.decrementAndGet();
      if (n.decrementAndGet() == 0) {
        perClient.remove(client, n);
      }
    });
    if (all > maxConnections) {
      refusedLog.log("closing connection from {}: the server has {} connections open (--max-connections)",
          client, maxConnections);
      conn.close();
      return;
    }
    if (fromClient > maxPerClient) {
      refusedPerClientLog.log("closing connection from {}: more than {} concurrent connections from this client "
          + "(--max-connections-per-ip)", client, maxPerClient);
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

  /** Currently open connections of the client {@code ip} belongs to (for tests and metrics). */
  public int connections(String ip) {
    AtomicInteger n = perClient.get(clientOf(ip));
    return n == null ? 0 : n.get();
  }

  /** Currently open connections in all. */
  public int connections() {
    return total.get();
  }

  /** The key connections are counted under: the IPv4 address, or the IPv6 /64 as {@code 2001:db8:0:1::/64}. */
  static String clientOf(SocketAddress remote) {
    return remote == null || remote.hostAddress() == null ? "?" : clientOf(remote.hostAddress());
  }

  static String clientOf(String hostAddress) {
    InetAddress a;
    try {
      // an IP literal: no name lookup happens; IPv4-mapped IPv6 comes back as IPv4
      a = InetAddress.getByName(hostAddress);
    } catch (UnknownHostException | SecurityException e) {
      return hostAddress;
    }
    if (!(a instanceof Inet6Address)) {
      return a.getHostAddress();
    }
    byte[] b = a.getAddress();
    StringBuilder s = new StringBuilder(24);
    for (int i = 0; i < 8; i += 2) {
      s.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
    }
    return s.append(":/64").toString();
  }

  private void arm(HttpConnection conn) {
    long id = vertx.setTimer(headerTimeoutMs, t -> {
      timers.remove(conn);
      headerTimeoutLog.log("closing connection from {}: no complete request head within {} ms",
          clientOf(conn.remoteAddress()), headerTimeoutMs);
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
