/**
 * The time index (docs/architecture.md §Storage, "Time index"): {@link io.vidlog.fragmentstore.index.StreamIndex} is one
 * stream's columnar in-memory index; {@link io.vidlog.fragmentstore.index.ObjectStoreTimeIndex}
 * makes it durable as sealed segment objects plus a tail rebuilt from chunk headers, loads it
 * lazily and answers the {@link io.vidlog.fragmentstore.index.TimeIndex} contract.
 */
package io.vidlog.fragmentstore.index;
