package io.vidlog.producer.cli;

import io.vidlog.producer.testing.TestVidlog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the CLI as a user does: {@code java -jar target/vidlog.jar ...} in its own process, with the
 * test server's endpoint, certificate and admin keys in the standard environment variables.
 */
final class CliProcess {
  static final Path JAR = Path.of("target", "vidlog.jar");

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final List<String> args;

  private CliProcess(Process process, Path stdout, Path stderr, List<String> args) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.args = args;
  }

  /** Starts {@code vidlog args...} against {@code vidlog}; output goes to files in {@code dir}. */
  static CliProcess start(TestVidlog vidlog, Path dir, String... args) throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the tests with mvn verify (package"
          + " builds it)");
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "stdout", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    env.remove("AWS_PROFILE");
    env.put("AWS_ACCESS_KEY_ID", vidlog.admin.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", vidlog.admin.secretAccessKey());
    env.put("AWS_REGION", "us-east-1");
    env.put("VIDLOG_ENDPOINT", vidlog.url().toString());
    env.put("VIDLOG_CA_CERT", vidlog.certificate().toString());
    return new CliProcess(pb.start(), out, err, List.of(args));
  }

  /** Runs to the end (at most 2 minutes) and returns the result. */
  static Result run(TestVidlog vidlog, Path dir, String... args) throws Exception {
    return start(vidlog, dir, args).await();
  }

  Result await() throws Exception {
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("vidlog " + args + " still running after 2 minutes; stderr: " + read(stderr));
    }
    return new Result(process.exitValue(), read(stdout), read(stderr));
  }

  /** SIGTERM, as Ctrl-C's SIGINT would: the command stops cleanly; returns what it printed. */
  Result stop() throws Exception {
    process.destroy();
    return await();
  }

  /** SIGKILL: no shutdown hook, nothing flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** What the command printed on standard output so far ("" when unreadable for a moment). */
  String stdoutSoFar() {
    try {
      return read(stdout);
    } catch (IOException e) {
      return "";
    }
  }

  /** What the command printed on standard error so far. */
  String stderrSoFar() {
    try {
      return read(stderr);
    } catch (IOException e) {
      return "";
    }
  }

  /** The file standard output goes to. */
  Path stdoutFile() {
    return stdout;
  }

  /** The file as text; bytes that are not UTF-8 (MKV on standard output) become replacement characters. */
  private static String read(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }

  /** What a finished command left. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }
}
