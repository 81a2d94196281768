package io.vidlog.bench.soak;

import io.vidlog.server.keys.AdminCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server as an operator runs it: the packaged jar ({@code server/target/vidlog-server.jar}) in
 * a JVM of its own on loopback, with the fs store in {@code dir/data}, its standard output in
 * {@code dir/stdout.log}, its errors in {@code dir/stderr.log} and its GC log in {@code dir/gc.log}.
 * The harness only adds what this many connections from one address need
 * ({@code --max-connections-per-ip}); everything else is the default configuration.
 */
final class ShippedServer implements AutoCloseable {
  private static final String RUNNING = "vidlog is running at ";
  private static final String INGEST = "(PutMedia over HTTP/1.1: ";

  final Process process;
  final Path dir;
  final long maxHeapBytes;
  private final CompletableFuture<URI[]> urls = new CompletableFuture<>();

  private ShippedServer(Process process, Path dir, long maxHeapBytes) {
    this.process = process;
    this.dir = dir;
    this.maxHeapBytes = maxHeapBytes;
    Thread reader = new Thread(this::readStdout, "vidlog-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code jar} with a heap of {@code heapMb} MB, and waits (up to 3 minutes) until it serves. */
  static ShippedServer start(Path jar, Path dir, int heapMb, int maxConnectionsPerIp) throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no server jar at " + jar + " (mvn -q -o -DskipTests package -pl server -am)");
    }
    Files.createDirectories(dir);
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heapMb + "m", "-Xlog:gc:file=" + dir.resolve("gc.log") + ":uptime", "-jar", jar.toString(),
        "--data-dir", dir.resolve("data").toString(), "--port", "0", "--bind", "127.0.0.1",
        "--max-connections-per-ip", String.valueOf(maxConnectionsPerIp),
        "--max-connections", String.valueOf(maxConnectionsPerIp + 64));
    Process p = new ProcessBuilder(command).redirectError(dir.resolve("stderr.log").toFile()).start();
    ShippedServer s = new ShippedServer(p, dir, (long) heapMb << 20);
    s.urls.get(3, TimeUnit.MINUTES);
    return s;
  }

  URI url() {
    return urls.join()[0];
  }

  /** The HTTP/1.1 PutMedia listener. */
  URI ingestUrl() {
    return urls.join()[1];
  }

  long pid() {
    return process.pid();
  }

  AdminCredentials admin() throws IOException {
    return AdminCredentials.read(dir.resolve("data").resolve(AdminCredentials.FILE));
  }

  /** Lines of the server's log (standard error) that contain {@code text}, so far. */
  long logLines(String text) throws IOException {
    try (var lines = Files.lines(dir.resolve("stderr.log"), StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.contains(text)).count();
    }
  }

  private void readStdout() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var log = Files.newBufferedWriter(dir.resolve("stdout.log"))) {
      for (String line; (line = in.readLine()) != null; ) {
        log.write(line);
        log.newLine();
        log.flush();
        int at = line.indexOf(RUNNING);
        int ingest = line.indexOf(INGEST);
        if (at >= 0 && ingest > at) {
          String main = line.substring(at + RUNNING.length(), ingest).trim();
          String put = line.substring(ingest + INGEST.length(), line.indexOf(')', ingest)).trim();
          urls.complete(new URI[] {URI.create(main), URI.create(put)});
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    urls.completeExceptionally(new IllegalStateException("the server ended before it served; see "
        + dir.resolve("stderr.log")));
  }

  @Override
  public void close() throws Exception {
    process.destroy(); // SIGTERM: the server drains and stops
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
