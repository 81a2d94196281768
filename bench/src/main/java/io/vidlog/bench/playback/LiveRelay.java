package io.vidlog.bench.playback;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The floor under live latency: a bare relay on the same Vert.x server as vidlog's routes. Bytes
 * POSTed to {@code /relay/in} are written, as they arrive, to every open {@code /relay/out}
 * response: no parsing, no live feed, no store. A reader whose connection cannot take more
 * ({@code writeQueueFull}) is cut off as a slow consumer, as the live feed does, so the producer is
 * never slowed by a reader. Everything runs on the server's event loop.
 */
final class LiveRelay {
  private final List<HttpServerResponse> readers = new ArrayList<>();
  private final LongAdder cutOff = new LongAdder();
  private volatile int count;

  void mount(Router router) {
    router.post("/relay/out").handler(ctx -> {
      ctx.request().handler(ignored -> { }).resume(); // the reader's request body says nothing here
      HttpServerResponse r = ctx.response().setChunked(true).putHeader("Content-Type", "video/webm");
      r.writeHead();
      readers.add(r);
      count = readers.size();
      r.closeHandler(v -> {
        readers.remove(r);
        count = readers.size();
      });
    });
    router.post("/relay/in").handler(ctx -> {
      ctx.request().handler(buf -> {
        for (int i = readers.size() - 1; i >= 0; i--) {
          HttpServerResponse r = readers.get(i);
          if (r.writeQueueFull()) {
            readers.remove(i);
            cutOff.increment();
            r.reset(); // a slow consumer: dropped, never waited for
          } else {
            r.write(buf);
          }
        }
        count = readers.size();
      });
      ctx.request().endHandler(v -> {
        readers.forEach(HttpServerResponse::end);
        readers.clear();
        count = 0;
        ctx.response().end();
      });
      ctx.request().resume();
    });
  }

  /** Readers connected now. */
  int readers() {
    return count;
  }

  /** Readers cut off as slow consumers so far. */
  long cutOff() {
    return cutOff.sum();
  }
}
