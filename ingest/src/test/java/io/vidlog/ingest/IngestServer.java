package io.vidlog.ingest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.KvsException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Vert.x HTTP server on an ephemeral loopback port with a Router, the IngestApi and a minimal
 * failure handler standing in for the server's (KvsException to status + AWS error body).
 */
final class IngestServer implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final FixedStreams streams = new FixedStreams();
  final MemoryArchive archive = new MemoryArchive(vertx);
  final MemoryIndex index = new MemoryIndex();
  final RecordingFeeds feeds = new RecordingFeeds();
  final IngestApi api;
  private final HttpServer server;

  IngestServer(IngestConfig config) throws Exception {
    AtomicLong counter = new AtomicLong(System.currentTimeMillis() * 1000);
    FragmentNumberMinter minter = FragmentNumberMinter.of(new io.vidlog.fragmentstore.FragmentNumbers(1));
    api = new IngestApi(vertx, streams, archive, index, feeds, minter, config);
    Router router = Router.router(vertx);
    api.mount(router);
    router.route().failureHandler(ctx -> {
      Throwable f = ctx.failure();
      int status = f instanceof KvsException k ? k.error().status() : 500;
      String type = f instanceof KvsException k ? k.error().type() : "InternalFailure";
      ctx.response().setStatusCode(status).putHeader("x-amzn-ErrorType", type)
          .end(new JsonObject().put("__type", type).put("Message", String.valueOf(f.getMessage())).encode());
    });
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.actualPort() + IngestApi.PATH);
  }

  int port() {
    return server.actualPort();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
  }
}
