package io.vidlog.fragmentstore.object;

import static io.vidlog.fragmentstore.testing.Await.await;
import static io.vidlog.fragmentstore.testing.Await.storeFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An S3 server that accepts connections and then stops answering (a frozen process, an overloaded
 * node, a path that drops packets after the handshake) fails each call with UNAVAILABLE after the
 * configured I/O timeout (docs/architecture.md §Object store "When the store is unreachable"): a
 * call never holds a worker thread, and so a PutMedia commit, a read or /health, for longer.
 */
class S3UnresponsiveServerTest {
  private HttpServer server;
  private ExecutorService handlers;
  private final AtomicBoolean frozen = new AtomicBoolean();
  private final CountDownLatch thaw = new CountDownLatch(1);
  private Vertx vertx;
  private ObjectStore store;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    handlers = Executors.newCachedThreadPool();
    server.setExecutor(handlers);
    server.createContext("/", exchange -> {
      if (frozen.get()) {
        try {
          thaw.await(); // the request is never answered while the test runs
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.close();
        return;
      }
      // the bucket exists (HEAD bucket at open)
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    vertx = Vertx.vertx();
    store = await(ObjectStores.s3(vertx, S3Config.of("http://127.0.0.1:" + server.getAddress().getPort(),
        "us-east-1", "frozen", "key", "secret-key").withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))));
  }

  @AfterEach
  void stop() {
    thaw.countDown();
    store.close();
    await(vertx.close());
    server.stop(0);
    handlers.shutdownNow();
  }

  @Test
  void callsToAServerThatStoppedAnsweringFailAsUnavailable() {
    frozen.set(true);
    assertEquals(StoreException.Kind.UNAVAILABLE, storeFailure(store.put("k/put", Buffer.buffer("x"))).kind());
    assertEquals(StoreException.Kind.UNAVAILABLE, storeFailure(store.get("k/get")).kind());
    assertEquals(StoreException.Kind.UNAVAILABLE, storeFailure(store.list("k/", null, 10)).kind());
    assertEquals(StoreException.Kind.UNAVAILABLE, storeFailure(store.ping()).kind());
  }
}
