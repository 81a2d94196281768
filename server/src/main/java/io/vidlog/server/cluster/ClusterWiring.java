package io.vidlog.server.cluster;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.FragmentStore;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.ingest.IngestApi;
import io.vidlog.ingest.IngestConfig;

/**
 * How ingest and the fragment store are wired on a node of a cluster (docs/cluster.md): PutMedia is
 * admitted once this node owns the stream; chunks and index appends are fenced by that ownership;
 * a stream this node gains has its numbers and index tail read again from the store; a stream it
 * loses ends its connection here; only a stream's writer flushes its index and sweeps it.
 */
public final class ClusterWiring {
  private ClusterWiring() {}

  /** Ingest and playback's live feeds on a node of a cluster. */
  public record Wired(IngestApi ingest, LiveFeeds readerFeeds, MeterBinder metrics) {}

  public static Wired wire(ClusterNode cluster, Vertx vertx, FragmentStore fragments, IngestConfig config) {
    StreamOwners owners = cluster.owners();
    var index = fragments.index();
    RegistrySync.start(vertx, cluster.memberId(), fragments.registry());
    LiveRelay relay = new LiveRelay(vertx, cluster.memberId(), owners, cluster.liveInterest(), fragments.feeds(),
        index);
    IngestApi ingest = new IngestApi(vertx, fragments.registry(), new FencedArchive(fragments.archive(), owners),
        new FencedIndex(index, owners, relay::indexed), fragments.feeds(),
        stream -> {
          // another node may have written the stream since this node last read it: start from the store
          index.forget(stream.streamId());
          return fragments.numbersFor(stream);
        }, config, stream -> owners.claim(stream).onSuccess(fresh -> relay.owned(stream.streamId())));
    owners.onLost(streamId -> {
      relay.lost(streamId);
      ingest.release(streamId, true);
      index.forget(streamId);
    });
    owners.onReleaseRequest(streamId -> ingest.release(streamId, false));
    fragments.writers(owners::writes);
    return new Wired(ingest, relay.feeds(), relay::bind);
  }
}
