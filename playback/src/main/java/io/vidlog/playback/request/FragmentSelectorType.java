package io.vidlog.playback.request;

import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;

/**
 * The FragmentSelectorType values of ListFragments and of the HLS fragment selector
 * (docs/wire-protocol.md §3.1, §3.5): which timestamp a range is by.
 */
public enum FragmentSelectorType {
  PRODUCER_TIMESTAMP(TimestampKind.PRODUCER), SERVER_TIMESTAMP(TimestampKind.SERVER);

  private final TimestampKind kind;

  FragmentSelectorType(TimestampKind kind) {
    this.kind = kind;
  }

  public TimestampKind kind() {
    return kind;
  }
}
