package io.vidlog.producer.source;

import java.io.IOException;

/**
 * Carries a sink's checked exception out through a media parser's handler callback (handlers
 * declare none) and back to the caller of {@link MediaSource#run}, unchanged.
 */
final class SinkCalls {
  /** A call into a sink. */
  interface Call {
    void run() throws IOException, InterruptedException;
  }

  /** The wrapper; never escapes a source. */
  static final class Escape extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Escape(Exception cause) {
      super(cause);
    }

    /** Rethrows the sink's exception as it was thrown. */
    void rethrow() throws IOException, InterruptedException {
      if (getCause() instanceof IOException io) {
        throw io;
      }
      throw (InterruptedException) getCause();
    }
  }

  private SinkCalls() {}

  /** Runs {@code call} inside a parser callback. */
  static void inCallback(Call call) {
    try {
      call.run();
    } catch (IOException | InterruptedException e) {
      throw new Escape(e);
    }
  }
}
