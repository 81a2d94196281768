package io.vidlog.server.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * This node's membership of a vidlog cluster (docs/cluster.md): the clustered Vert.x, the node
 * number the cluster assigned it (the node field of the fragment numbers it mints), the members
 * with their public URLs, and the owners of the streams' ingest. Free of Hazelcast types, so a
 * server started without {@code --cluster} never loads Hazelcast: only
 * {@link HazelcastCluster#join} does.
 */
public interface ClusterNode {

  /** The clustered Vert.x every part of the server runs on. */
  Vertx vertx();

  /** The cluster's id of this node (stable for the life of the process). */
  String memberId();

  /** 0-999, unique among the live members: the node field of the fragment numbers this node mints. */
  int nodeNumber();

  /**
   * Called (off the event loops) with this node's new number when it had to claim another: it was
   * cut off, and a member that joined meanwhile took its number. The fragment numbers it mints from
   * then on must carry the new one.
   */
  void onRenumbered(IntConsumer listener);

  /** Makes this node's public URLs known to the others (once its listeners are up). */
  Future<Void> advertise(URI url, URI ingestUrl);

  /** The members as the cluster sees them now, this node first. */
  List<Member> members();

  /** Whether this node sees a majority of the expected nodes (it may take and keep ingest ownership). */
  boolean quorum();

  /** Who owns each stream's ingest. */
  StreamOwners owners();

  /** Which nodes relay which streams' live events to readers of their own. */
  LiveInterest liveInterest();

  /** Leaves the cluster and closes Vert.x. */
  Future<Void> close();

  /** A member: its cluster id, node number and main URL (null until it advertised them). */
  record Member(String id, int nodeNumber, String url, boolean local) {}
}
