package io.vidlog.producer;

import java.time.Instant;
import java.util.Optional;

/** The machinery behind a {@link StreamReader}. */
final class ReaderEngine {
  ReaderEngine(ClientContext context, ReaderConfig config) {}

  void run(FrameHandler handler) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  void readRange(TimestampType type, Instant from, Instant to, FrameHandler handler) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  void stop() {}

  Optional<Checkpoint> checkpoint() {
    return Optional.empty();
  }
}
