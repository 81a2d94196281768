/**
 * The time index (docs/architecture.md §Storage, "Time index"): {@link io.vidlog.fragmentstore.index.ObjectStoreTimeIndex}
 * answers the {@link io.vidlog.fragmentstore.index.TimeIndex} contract from sealed segment objects
 * in the store, a resident summary per stream ({@code SegmentList}) and its open tail, loading the
 * segments a query needs through the server-wide {@link io.vidlog.fragmentstore.index.SegmentCache};
 * {@link io.vidlog.fragmentstore.index.StreamIndex} is the columnar in-memory form of one segment or
 * tail; {@code IndexQueries} combines them; {@code IndexObjects}, {@code StreamLoad},
 * {@code SegmentWriter} and {@code RetentionPass} read, load, write and expire a stream's index.
 */
package io.vidlog.fragmentstore.index;
