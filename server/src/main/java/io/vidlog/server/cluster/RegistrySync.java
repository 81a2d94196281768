package io.vidlog.server.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vidlog.fragmentstore.streams.ObjectStoreStreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every node's stream registry (held in memory, read from the shared store at start) current:
 * a node that changed a stream's record publishes its id on {@code vidlog.registry}, and the others
 * read that record again from the store, so a stream created, updated or deleted on one node is
 * seen by the others within the time a message takes.
 */
final class RegistrySync {
  private static final Logger LOG = LoggerFactory.getLogger(RegistrySync.class);
  static final String ADDRESS = "vidlog.registry";
  private static final String FROM = "vidlog-from";

  private RegistrySync() {}

  static void start(Vertx vertx, String me, ObjectStoreStreamRegistry registry) {
    DeliveryOptions from = new DeliveryOptions().addHeader(FROM, me);
    registry.onChanged(streamId -> vertx.eventBus().publish(ADDRESS, streamId, from));
    vertx.eventBus().<String>consumer(ADDRESS, msg -> {
      if (!me.equals(msg.headers().get(FROM))) {
        registry.reload(msg.body()).onFailure(e -> LOG.warn("stream {} changed on another node and could not be "
            + "read again: {}", msg.body(), e.toString()));
      }
    });
  }
}
