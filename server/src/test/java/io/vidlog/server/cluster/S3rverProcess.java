package io.vidlog.server.cluster;

import io.vidlog.fragmentstore.testing.NpmTools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * s3rver 3.7.1 (npm, installed by {@code scripts/test.sh}) as an S3 server in a process of its own,
 * on a fixed loopback port and data directory, so a test can SIGKILL it (the store vanishes mid
 * request, as a crashed S3 node does) and start it again where it was, with the objects it had.
 */
final class S3rverProcess implements AutoCloseable {
  static final String VERSION = "3.7.1";
  /** s3rver's fixed credentials. */
  static final String KEY = "S3RVER";
  static final String SECRET = "S3RVER";

  private final List<String> command;
  private final Path log;
  final int port;
  private Process process;

  private S3rverProcess(List<String> command, Path log, int port) {
    this.command = command;
    this.log = log;
    this.port = port;
  }

  /** Starts s3rver on {@code port} with its objects under {@code directory}; returns once it accepts connections. */
  static S3rverProcess start(int port, Path directory) throws Exception {
    Path script = NpmTools.installed("vidlog.s3rver", "s3rver", "s3rver", VERSION, "bin/s3rver.js");
    Files.createDirectories(directory);
    // s3rver signs list continuation tokens with DES, which OpenSSL 3 (Node >= 17) only has in its legacy provider
    List<String> command = List.of("node", "--openssl-legacy-provider", script.toString(), "--address", "127.0.0.1",
        "--port", Integer.toString(port), "--directory", directory.toString(), "--silent");
    S3rverProcess s = new S3rverProcess(command, directory.resolveSibling(directory.getFileName() + ".log"), port);
    s.restart();
    return s;
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: requests in flight are cut, nothing is flushed or said goodbye to. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Starts it again on the same port and directory; returns once it accepts connections. */
  void restart() throws Exception {
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3rver exited with " + process.exitValue() + "; see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("s3rver did not listen on port " + port + "; see " + log);
        }
        process.waitFor(50, TimeUnit.MILLISECONDS);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (alive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
