package io.vidlog.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A tiny ingest server process for {@link CrashIT}: the product's stores under {@code args[0]} (fs
 * objects, keyring, sealed chunks, the real registry and time index), the stream {@code crash} and,
 * with {@code args[1]} = N, the streams {@code crash-0} … {@code crash-(N-1)};
 * writes its port to {@code <dir>/port} and runs until killed.
 */
public final class CrashServerMain {
  private CrashServerMain() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    IngestServer server = new IngestServer(IngestConfig.DEFAULT, data);
    int streams = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    server.streams.add(CrashIT.STREAM, 24);
    for (int i = 0; i < streams; i++) {
      server.streams.add(CrashIT.STREAM + "-" + i, 24);
    }
    Path tmp = data.resolve("port.tmp");
    Files.writeString(tmp, Integer.toString(server.port()));
    Files.move(tmp, data.resolve("port"), StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
