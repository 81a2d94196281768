package io.vidlog.server.cluster;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.function.Consumer;

/**
 * Which node owns each stream's ingest (its PutMedia connection, fragment numbering and index
 * tail), kept in the cluster so that exactly one node writes a stream (docs/cluster.md).
 *
 * <p>Ownership is an entry per stream holding the owner and an <em>epoch</em> that grows by one at
 * every change of owner. The owner checks its entry ({@link #confirm}) before a chunk is committed
 * and before PERSISTED is acked; the entry lives in a structure that refuses reads and writes on a
 * node that does not see a majority of the expected nodes, so a node cut off from the others stops
 * writing at its next fragment, while the majority may give the stream to another node.
 */
public interface StreamOwners {

  /**
   * Makes this node the owner of the stream's ingest. Completes with true when it was not the owner
   * before (its fragment numbers and index tail must be re-read from the store), false when it
   * already was. Fails with a {@link io.vidlog.kvs.KvsException}: CONNECTION_LIMIT_EXCEEDED when the
   * owner on another node has an active producer (KVS lets one connection ingest a stream), or
   * SERVICE_UNAVAILABLE when this node cannot reach a majority.
   */
  Future<Boolean> claim(StreamInfo stream);

  /** Succeeds while this node is still the stream's owner at the epoch it claimed; fails otherwise. */
  Future<Void> confirm(String streamId);

  /** Whether this node owns the stream's ingest now (its last claim stands, as far as it knows). */
  boolean owns(String streamId);

  /**
   * Whether this node writes the stream's index and applies its retention: its owner, or, when no
   * live node owns it, the node the cluster's partitioning chooses for it. One node per stream.
   */
  boolean writes(String streamId);

  /**
   * The base URL GetDataEndpoint answers for the stream: the live owner's (its PutMedia listener's
   * for {@code PUT_MEDIA}), else the partition-chosen node's; null when that is this node or the
   * cluster cannot tell (the caller answers with its own URL).
   */
  Future<String> endpoint(StreamInfo stream, String apiName);

  /** Called with a stream's id when another node took its ingest from this node. */
  void onLost(Consumer<String> listener);

  /** Asks this node to give up a stream it owns, for a claim from another node: answers whether it did. */
  void onReleaseRequest(java.util.function.Predicate<String> releaser);
}
