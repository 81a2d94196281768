package io.vidlog.server.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs an external program (ffmpeg, ffprobe, chromium) to its end and keeps what it printed. */
public final class Programs {
  private Programs() {}

  /** What a program printed and how it exited. */
  public record Result(int exit, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stderr\n" + stderr + "\n--- stdout (first 2000 chars)\n"
          + stdout.substring(0, Math.min(2000, stdout.length()));
    }
  }

  /** Runs {@code command}; fails when it does not finish within {@code timeoutSeconds}. */
  public static Result run(long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command.get(0) + " did not finish within " + timeoutSeconds + " s: " + command);
    }
    return new Result(p.exitValue(), out.join(), err.join());
  }

  public static Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
    return run(timeoutSeconds, List.of(command));
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
