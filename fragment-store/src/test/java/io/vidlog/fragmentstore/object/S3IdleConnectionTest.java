package io.vidlog.fragmentstore.object;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.vidlog.fragmentstore.testing.Conditions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The S3 client closes a kept-alive connection once it has been idle for a few seconds, before an
 * S3 server built on Node's http module (s3rver; its keep-alive timeout is 5 s) closes it from its
 * side. A request sent on a connection just as the server closes it fails with "unexpected end of
 * stream" and nothing to retry on; for a chunk upload that is a fragment answered 5001 although the
 * store was up (seen when a server's ingest went quiet for 5 s during a clean stop).
 */
class S3IdleConnectionTest {
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    // the JDK's server keeps connections alive far longer than the client may
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void anIdleConnectionIsClosedBeforeTheServerClosesIt() throws Exception {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    OkHttpClient http = S3Http.client(S3Config.of(url, "us-east-1", "idle", "key", "secret-key"));
    try {
      try (Response r = http.newCall(new Request.Builder().url(url + "/idle/k").put(RequestBody.create(new byte[16]))
          .build()).execute()) {
        assertEquals(200, r.code());
      }
      assertEquals(1, http.connectionPool().idleConnectionCount(), "kept alive for the next call");
      Conditions.await("the client closes the idle connection", () -> http.connectionPool().idleConnectionCount() == 0);
    } finally {
      http.connectionPool().evictAll();
      http.dispatcher().executorService().shutdown();
    }
  }
}
