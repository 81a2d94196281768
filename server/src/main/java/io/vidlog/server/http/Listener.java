package io.vidlog.server.http;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The HTTP(S) listener: one server instance per event loop sharing the port (Vert.x balances
 * connections between them), all with the same request handler and connection guard. Shutdown is
 * graceful: stop accepting, let in-flight requests finish within the grace period, then close.
 */
public final class Listener {
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private volatile int port;

  private Listener() {}

  public static Future<Listener> start(Vertx vertx, HttpServerOptions options, String bind, int port,
      Handler<HttpServerRequest> handler, ConnectionGuard guard, int instances) {
    Listener l = new Listener();
    // Vert.x shares one port between instances only when it is fixed: resolve port 0 to a free port first
    HttpServerOptions opts = new HttpServerOptions(options).setHost(bind).setPort(port == 0 ? freePort(bind) : port);
    return vertx.deployVerticle(() -> new Instance(l, opts, handler, guard),
        new DeploymentOptions().setInstances(Math.max(1, instances))).compose(id -> {
          java.util.Set<Integer> ports = new java.util.HashSet<>();
          l.servers.forEach(s -> ports.add(s.actualPort()));
          return ports.size() == 1 ? Future.succeededFuture(l)
              : Future.failedFuture(new IllegalStateException("instances listen on different ports: " + ports));
        });
  }

  private static int freePort(String bind) {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(bind))) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("no free port on " + bind, e);
    }
  }

  public int port() {
    return port;
  }

  /** Stops accepting and waits up to {@code grace} for open requests. */
  public Future<Void> shutdown(Duration grace) {
    List<Future<Void>> all = servers.stream().map(s -> s.shutdown(grace)).toList();
    return Future.join(all).mapEmpty();
  }

  private static final class Instance extends VerticleBase {
    private final Listener listener;
    private final HttpServerOptions options;
    private final Handler<HttpServerRequest> handler;
    private final ConnectionGuard guard;

    Instance(Listener listener, HttpServerOptions options, Handler<HttpServerRequest> handler, ConnectionGuard guard) {
      this.listener = listener;
      this.options = options;
      this.handler = handler;
      this.guard = guard;
    }

    @Override
    public Future<?> start() {
      HttpServer server = vertx.createHttpServer(options)
          .connectionHandler(guard::onConnection)
          .invalidRequestHandler(InvalidRequests::handle)
          .requestHandler(req -> {
            guard.onRequest(req);
            handler.handle(req);
          });
      listener.servers.add(server);
      return server.listen().onSuccess(s -> listener.port = s.actualPort());
    }
  }
}
