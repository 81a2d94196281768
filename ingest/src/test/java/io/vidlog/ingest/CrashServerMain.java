package io.vidlog.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A tiny ingest server process for {@link CrashIT}: the real sealed archive and time index over the fs
 * object store in {@code args[0]}, one stream {@code crash}; writes its port to {@code <dir>/port} and runs until
 * killed.
 */
public final class CrashServerMain {
  private CrashServerMain() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    IngestServer server = new IngestServer(IngestConfig.DEFAULT, data, true);
    server.streams.add(CrashIT.STREAM, 24, CrashIT.STREAM_ID);
    Path tmp = data.resolve("port.tmp");
    Files.writeString(tmp, Integer.toString(server.port()));
    Files.move(tmp, data.resolve("port"), StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
