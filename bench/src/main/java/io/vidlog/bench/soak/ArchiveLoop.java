package io.vidlog.bench.soak;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The archive side of the soak, one call after another: ListFragments of a random stream over the
 * last minute (server timestamps, docs/wire-protocol.md §3.1), then GetMediaForFragmentList of up
 * to three of the fragments listed (§3.2), read to the end and parsed; every fragment must come
 * back with all its frames. Errors and both calls' latencies are counted.
 */
final class ArchiveLoop {
  private final SignedClient client;
  private final List<String> streams;
  private final int framesPerFragment;
  final LatencyWindow listLatency = new LatencyWindow();
  final LatencyWindow readLatency = new LatencyWindow();
  final LongAdder lists = new LongAdder();
  final LongAdder reads = new LongAdder();
  final LongAdder fragmentsRead = new LongAdder();
  final LongAdder errors = new LongAdder();
  volatile String firstError;
  private volatile boolean running;

  ArchiveLoop(SignedClient client, List<String> streams, int framesPerFragment) {
    this.client = client;
    this.streams = streams;
    this.framesPerFragment = framesPerFragment;
  }

  /** Starts {@code loops} independent loops. */
  void start(int loops) {
    running = true;
    for (int i = 0; i < loops; i++) {
      client.vertx.runOnContext(v -> next());
    }
  }

  void stop() {
    running = false;
  }

  private void next() {
    if (!running) {
      return;
    }
    String stream = streams.get(ThreadLocalRandom.current().nextInt(streams.size()));
    double now = System.currentTimeMillis() / 1000.0;
    JsonObject list = new JsonObject().put("StreamName", stream).put("FragmentSelector", new JsonObject()
        .put("FragmentSelectorType", "SERVER_TIMESTAMP").put("TimestampRange", new JsonObject()
            .put("StartTimestamp", now - 60).put("EndTimestamp", now)));
    long t0 = System.nanoTime();
    client.call("/listFragments", list).compose(page -> {
      listLatency.add(System.nanoTime() - t0);
      lists.increment();
      JsonArray listed = page.getJsonArray("Fragments", new JsonArray());
      if (listed.isEmpty()) {
        return Future.succeededFuture();
      }
      JsonArray numbers = new JsonArray();
      int from = ThreadLocalRandom.current().nextInt(listed.size());
      for (int i = from; i < Math.min(listed.size(), from + 3); i++) {
        numbers.add(listed.getJsonObject(i).getString("FragmentNumber"));
      }
      return read(stream, numbers);
    }).onComplete(ar -> {
      if (ar.failed()) {
        errors.increment();
        if (firstError == null) {
          firstError = stream + ": " + ar.cause();
        }
      }
      next();
    });
  }

  private Future<Void> read(String stream, JsonArray numbers) {
    long t0 = System.nanoTime();
    int[] frames = {0};
    MkvReader parser = new MkvReader(new MkvHandler() {
      @Override
      public void onFrame(MkvFrame frame) {
        frames[0]++;
      }
    });
    return client.post("/getMediaForFragmentList", new JsonObject().put("StreamName", stream)
        .put("Fragments", numbers)).compose(resp -> {
          if (resp.statusCode() != 200) {
            return resp.body().compose(b -> Future.failedFuture("GetMediaForFragmentList answered "
                + resp.statusCode() + ": " + b));
          }
          resp.handler(b -> parser.feed(((io.vertx.core.internal.buffer.BufferInternal) b).getByteBuf().nioBuffer()));
          return resp.end();
        }).compose(v -> {
          readLatency.add(System.nanoTime() - t0);
          reads.increment();
          fragmentsRead.add(numbers.size());
          int expected = numbers.size() * framesPerFragment;
          return frames[0] == expected ? Future.succeededFuture()
              : Future.failedFuture("GetMediaForFragmentList of " + numbers + " gave " + frames[0] + " frames, not "
                  + expected);
        });
  }
}
