package io.vidlog.playback.testing;

import java.util.function.BooleanSupplier;

/** Waits for an observable condition (never for a length of time). */
public final class Conditions {
  private Conditions() {}

  /** Polls {@code condition} until it holds; fails after 30 s with {@code what}. */
  public static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5); // between polls of the condition, not a window the test relies on
    }
  }
}
