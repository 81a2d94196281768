package io.vidlog.server.cluster;

import java.util.function.Consumer;

/**
 * Which nodes have live readers of which streams, known cluster-wide, so that a stream's owner
 * publishes its live events on the event bus only while another node relays them
 * (docs/cluster.md §Reads from any node).
 */
interface LiveInterest {

  /** This node relays the stream's live events to readers of its own (its consumer is registered). */
  void announce(String streamId);

  /** This node no longer relays the stream. */
  void withdraw(String streamId);

  /** Whether a live member other than this node relays the stream. */
  boolean elsewhere(String streamId);

  /** Called with a stream's id (on any thread) when {@link #elsewhere} may have changed for it. */
  void onChange(Consumer<String> listener);
}
