package io.vidlog.producer.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) or SIGTERM for a command that runs until stopped: the JVM's shutdown hook asks
 * the command to stop (interrupting its thread, or a gentler action) and waits until the command
 * has closed cleanly (its last acknowledgements awaited, its output flushed), so stopping loses
 * nothing the command had accepted.
 */
final class StopSignal implements AutoCloseable {
  /** Set once the JVM is shutting down: {@code System.exit} must not be called then (it would block). */
  private static volatile boolean shuttingDown;

  private final Thread hook;
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopped;

  /**
   * Installs the hook; {@code stop} runs on the hook's thread when a signal arrives, and the hook
   * waits up to {@code graceMillis} for {@link #close()}.
   */
  StopSignal(Runnable stop, long graceMillis) {
    hook = new Thread(() -> {
      shuttingDown = true;
      stopped = true;
      stop.run();
      try {
        finished.await(graceMillis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "vidlog-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Stops by interrupting {@code thread} (the command's own). */
  static StopSignal interrupting(Thread thread, long graceMillis) {
    return new StopSignal(thread::interrupt, graceMillis);
  }

  /** Whether a signal asked the command to stop. */
  boolean stopped() {
    return stopped;
  }

  static boolean shuttingDown() {
    return shuttingDown;
  }

  /** The command is done: the hook may let the JVM end; without a signal the hook is removed. */
  @Override
  public void close() {
    finished.countDown();
    if (!shuttingDown) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutdown began meanwhile: the hook runs and finds the command finished
      }
    }
  }
}
