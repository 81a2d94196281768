package io.vidlog.server.cluster;

import io.vertx.core.json.JsonObject;
import io.vidlog.server.support.SignedHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One vidlog server as an operator runs it: the packaged jar in a JVM of its own ({@code mvn
 * package} runs before the ITs), its standard output kept (and written to {@code <dir>/stdout.log},
 * its errors to {@code stderr.log}) for the test to read.
 */
final class NodeProcess implements AutoCloseable {
  private static final String RUNNING = "vidlog is running at ";
  private static final String INGEST = "(PutMedia over HTTP/1.1: ";

  final String name;
  final Process process;
  final Path dir;
  final List<String> stdout = new CopyOnWriteArrayList<>();
  private final CompletableFuture<URI> url = new CompletableFuture<>();
  private volatile URI ingestUrl;
  /** The command it was started with (a restart runs it again). */
  final List<String> command;

  private NodeProcess(String name, Process process, Path dir, List<String> command) {
    this.name = name;
    this.command = command;
    this.process = process;
    this.dir = dir;
    Thread reader = new Thread(this::readStdout, "stdout-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  static Path jar() {
    Path jar = Path.of("target", "vidlog-server.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("package the server before its ITs: " + jar);
    }
    return jar;
  }

  /** Starts the jar with {@code jvmArgs} and {@code args} in {@code dir} (its data dir is {@code dir/data}). */
  static NodeProcess start(String name, Path dir, List<String> jvmArgs, List<String> args) throws IOException {
    return start(name, dir, List.of(), jvmArgs, List.of("--port", "0", "--bind", "127.0.0.1"), args);
  }

  /**
   * As {@link #start(String, Path, List, List)}, the JVM run through {@code launcher} (for example
   * {@code ip netns exec NS}, which execs it: the process is the JVM) and listening as
   * {@code listen} says.
   */
  static NodeProcess start(String name, Path dir, List<String> launcher, List<String> jvmArgs, List<String> listen,
      List<String> args) throws IOException {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of("--data-dir", dir.resolve("data").toString()));
    command.addAll(listen);
    command.addAll(args);
    return run(name, dir, command);
  }

  private static NodeProcess run(String name, Path dir, List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("stderr.log")
        .toFile())).start();
    return new NodeProcess(name, p, dir, command);
  }

  /** The same node started again (same flags, data dir and cluster port) after it ended. */
  NodeProcess restart() throws IOException {
    return run(name, dir, command);
  }

  private void readStdout() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         PrintWriter log = new PrintWriter(Files.newBufferedWriter(dir.resolve("stdout.log"),
             java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        stdout.add(line);
        log.println(line);
        if (line.startsWith(RUNNING)) {
          int ingest = line.indexOf(INGEST);
          if (ingest > 0) {
            ingestUrl = URI.create(line.substring(ingest + INGEST.length(), line.length() - 1).trim());
          }
          url.complete(URI.create(line.substring(RUNNING.length()).split(" ")[0].trim()));
        }
      }
    } catch (IOException e) {
      // the process ended
    } finally {
      url.completeExceptionally(new IllegalStateException("node " + name + " ended before it was running; see "
          + dir.resolve("stderr.log")));
    }
  }

  /** The main URL, once the node printed it (it is then ready: /health answers). */
  URI url() throws Exception {
    return url.get(120, TimeUnit.SECONDS);
  }

  /** The HTTP/1.1 PutMedia listener's URL (what GetDataEndpoint answers for PUT_MEDIA). */
  URI ingestUrl() throws Exception {
    url();
    return ingestUrl;
  }

  HttpResponse<String> get(String path) throws Exception {
    return new SignedHttp(url()).unsigned("GET", path, null, Map.of());
  }

  JsonObject health() throws Exception {
    return new JsonObject(get("/health").body());
  }

  /** As {@link #health}, for a condition polled in a lambda: an empty object when it does not answer. */
  JsonObject healthOrEmpty() {
    try {
      return health();
    } catch (Exception e) {
      return new JsonObject();
    }
  }

  /** SIGKILL: the node vanishes without a goodbye, as a crashed machine does. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The exit code after it ended on its own (refused to start) or after SIGTERM. */
  int exitCode(boolean terminate) throws InterruptedException {
    if (terminate) {
      process.destroy();
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr.log"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      exitCode(true);
    }
  }
}
