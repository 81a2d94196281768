package io.vidlog.fragmentstore;

import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.streams.RegistryConfig;

/**
 * Settings of the {@link FragmentStore} facade.
 *
 * @param nodeId this node's id in minted fragment numbers (0-999, unique per node of a cluster)
 * @param retentionSweepMillis how often the retention sweeper runs
 * @param indexFlushMillis how often partial index segments are written (bounds rebuild work)
 */
public record FragmentStoreConfig(RegistryConfig registry, IndexConfig index, LiveFeedConfig live, int nodeId,
    long retentionSweepMillis, long indexFlushMillis) {

  public static final FragmentStoreConfig DEFAULT = new FragmentStoreConfig(RegistryConfig.DEFAULT,
      IndexConfig.DEFAULT, LiveFeedConfig.DEFAULT, 0, 5 * 60_000L, 10 * 60_000L);

  public FragmentStoreConfig {
    if (nodeId < 0 || nodeId > FragmentNumbers.MAX_NODE) {
      throw new IllegalArgumentException("nodeId must be 0-" + FragmentNumbers.MAX_NODE + ", got " + nodeId);
    }
    if (retentionSweepMillis < 1 || indexFlushMillis < 1) {
      throw new IllegalArgumentException("retentionSweepMillis and indexFlushMillis must be positive");
    }
  }
}
