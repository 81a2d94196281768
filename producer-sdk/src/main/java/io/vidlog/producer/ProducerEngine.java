package io.vidlog.producer;

import java.time.Duration;
import java.time.Instant;

/** The machinery behind a {@link StreamProducer}. */
final class ProducerEngine {
  static ProducerEngine start(ClientContext context, ProducerConfig config) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  void putFrame(int track, Instant pts, Instant dts, boolean keyFrame, byte[] data) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  void putFragmentMetadata(String name, String value, boolean persistent) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  boolean flush(Duration timeout) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  void close(boolean graceful) {}

  ProducerStats stats() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  String streamName() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  boolean isOpen() {
    return false;
  }
}
