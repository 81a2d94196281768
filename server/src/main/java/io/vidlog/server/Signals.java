package io.vidlog.server;

import sun.misc.Signal;

/**
 * SIGTERM / SIGINT handling for a graceful stop with exit code 0. A JVM shutdown hook would run too,
 * but the JVM then exits with 143 whatever the hook does; handling the signal lets {@code main} stop
 * the server in order and return 0.
 */
final class Signals {
  private Signals() {}

  static void onTerminate(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), sig -> action.run());
      } catch (IllegalArgumentException e) {
        // signal not available on this platform: the default (immediate exit) applies
      }
    }
  }
}
