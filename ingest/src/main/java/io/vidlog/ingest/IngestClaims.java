package io.vidlog.ingest;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.streams.StreamInfo;

/**
 * Where a node asks for the right to ingest a stream before a PutMedia connection is admitted:
 * in a cluster only one node ingests a stream at a time (docs/architecture.md §Scale-out). A single
 * node always has it ({@link #ALONE}).
 */
@FunctionalInterface
public interface IngestClaims {
  /**
   * Completes with true when this node has just become the stream's owner (the stream's fragment
   * numbers and index tail are then read again from the store: another node wrote them), false when
   * it already was. Fails with a {@link io.vidlog.kvs.KvsException} that refuses the connection.
   */
  Future<Boolean> claim(StreamInfo stream);

  /** One node: it owns every stream. */
  IngestClaims ALONE = stream -> Future.succeededFuture(false);
}
