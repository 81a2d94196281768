package io.vidlog.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A small-heap ingest server process for {@link BufferBudgetIT}: the default {@link IngestConfig}
 * over the fs object store in {@code args[0]}, the streams {@code budget-0} to {@code budget-15}
 * and {@code budget-check}, and a second HTTP port that answers with
 * {@link IngestApi#bufferedBytes()} and the server-wide budget ("used limit"). Writes
 * "ingestPort statsPort" to {@code <dir>/port} and runs until killed.
 */
public final class BufferBudgetServerMain {
  static final int STREAMS = 16;

  private BufferBudgetServerMain() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    IngestServer server = new IngestServer(IngestConfig.DEFAULT, data);
    server.streams.add("budget-check", 24);
    for (int i = 0; i < STREAMS; i++) {
      server.streams.add("budget-" + i, 24);
    }
    int stats = IngestServer.await(server.vertx.createHttpServer()
        .requestHandler(r -> r.response().end(server.api.bufferedBytes() + " "
            + IngestConfig.DEFAULT.buffers().serverWide()))
        .listen(0, "127.0.0.1")).actualPort();
    Path tmp = data.resolve("port.tmp");
    Files.writeString(tmp, server.port() + " " + stats);
    Files.move(tmp, data.resolve("port"), StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
