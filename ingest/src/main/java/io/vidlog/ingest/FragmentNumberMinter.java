package io.vidlog.ingest;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.streams.StreamInfo;

/**
 * Mints a stream's next fragment number when a fragment's first byte arrives (kvs-api.md §1.2):
 * strictly increasing per stream, across connections and restarts. Must not block.
 */
@FunctionalInterface
public interface FragmentNumberMinter {
  FragmentNumber next(StreamInfo stream, long serverTimestampMillis);
}
