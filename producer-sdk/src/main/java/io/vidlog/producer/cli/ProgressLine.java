package io.vidlog.producer.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * A status line rewritten in place ({@code \r}) a few times a second while a command runs, shown
 * only when standard error is a terminal: logs and pipes get the summary, not hundreds of lines.
 */
final class ProgressLine implements AutoCloseable {
  private static final long PERIOD_MILLIS = 250;

  private final PrintWriter err;
  private final Supplier<String> line;
  private final Thread thread;
  private int lastLength;

  ProgressLine(PrintWriter err, Supplier<String> line, boolean enabled) {
    this.err = err;
    this.line = line;
    if (enabled) {
      thread = new Thread(this::loop, "vidlog-progress");
      thread.setDaemon(true);
      thread.start();
    } else {
      thread = null;
    }
  }

  private void loop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        draw();
        Thread.sleep(PERIOD_MILLIS);
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  private synchronized void draw() {
    String s = line.get();
    err.print("\r" + s + " ".repeat(Math.max(0, lastLength - s.length())));
    err.flush();
    lastLength = s.length();
  }

  /** A bar of {@code width} cells for a fraction 0–1: {@code [#####.....]}. */
  static String bar(double fraction, int width) {
    int full = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
    return "[" + "#".repeat(full) + ".".repeat(width - full) + "]";
  }

  /** Stops, leaving the last state on its line. */
  @Override
  public void close() {
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      draw();
      err.println();
      err.flush();
    }
  }
}
