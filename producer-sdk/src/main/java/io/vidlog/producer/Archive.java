package io.vidlog.producer;

import java.time.Instant;
import java.util.List;

/** ListFragments and GetMediaForFragmentList (docs/wire-protocol.md §3). */
final class Archive {
  List<FragmentInfo> listFragments(String stream, TimestampType type, Instant from, Instant to) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  void getMediaForFragmentList(String stream, List<String> numbers, FragmentHandler handler) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
