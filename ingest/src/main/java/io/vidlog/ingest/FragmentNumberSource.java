package io.vidlog.ingest;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.streams.StreamInfo;

/**
 * Where a stream's fragment numbers come from (docs/wire-protocol.md §1.2: strictly increasing per stream,
 * across connections and restarts): the node's minter with the stream's high-water mark raised to
 * the newest number in its index. The server passes fragment-store's {@code FragmentStore::numbersFor};
 * ingest asks once per stream and process, before the stream's first fragment here, and then mints
 * with {@link FragmentNumbers#next} without blocking.
 */
@FunctionalInterface
public interface FragmentNumberSource {
  Future<FragmentNumbers> numbersFor(StreamInfo stream);
}
