package io.vidlog.fragmentstore.testing;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests for a condition the code under test reaches on its own, never for a span of
 * time: the condition is polled until it holds, and the deadline only turns a hang into a failure
 * that names what never happened.
 */
public final class Conditions {
  private static final long DEADLINE_SECONDS = 30;

  private Conditions() {}

  public static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + DEADLINE_SECONDS + " s waiting until " + what);
      }
      Thread.sleep(5); // between polls of the condition, not a window the test relies on
    }
  }
}
