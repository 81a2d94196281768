package io.vidlog.producer;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The control-plane calls (docs/wire-protocol.md §4). */
final class ControlPlane {
  StreamInfo describeStream(String name) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  Optional<StreamInfo> findStream(String name) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  String createStream(StreamSpec spec) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  StreamInfo ensureStream(StreamSpec spec, Duration timeout) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  List<StreamInfo> listStreams(String prefix) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  void deleteStream(String name) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
