package io.vidlog.server.control;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.streams.StreamInfo;

/**
 * Which node GetDataEndpoint sends a stream's clients to (docs/wire-protocol.md §4): in a cluster
 * the node that owns its ingest, or the one the cluster's partitioning picks for it, so streams
 * spread over the nodes; a single node serves everything itself ({@link #HERE}).
 */
@FunctionalInterface
public interface StreamRouting {
  /** The base URL of the node to use for {@code apiName} on the stream; null for this node. */
  Future<String> endpoint(StreamInfo stream, String apiName);

  StreamRouting HERE = (stream, apiName) -> Future.succeededFuture(null);
}
