package io.vidlog.ingest;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.streams.StreamInfo;

/**
 * Mints a stream's next fragment number when a fragment's first byte arrives (kvs-api.md §1.2):
 * strictly increasing per stream, across connections and restarts. Must not block.
 */
@FunctionalInterface
public interface FragmentNumberMinter {
  FragmentNumber next(StreamInfo stream, long serverTimestampMillis);

  /**
   * Called once per stream and process before its first number, with the newest number in the
   * stream's index (null when none), so numbers keep increasing across a restart.
   */
  default void floor(StreamInfo stream, FragmentNumber latest) {}

  /** The fragment-store's node-local minter. */
  static FragmentNumberMinter of(FragmentNumbers numbers) {
    return new FragmentNumberMinter() {
      @Override
      public FragmentNumber next(StreamInfo stream, long serverTimestampMillis) {
        return numbers.next(stream.streamId());
      }

      @Override
      public void floor(StreamInfo stream, FragmentNumber latest) {
        if (latest != null && latest.value().length() == FragmentNumbers.WIDTH) {
          numbers.floor(stream.streamId(), latest);
        }
      }
    };
  }
}
