package io.vidlog.fragmentstore;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.live.MemoryLiveFeeds;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.retention.RetentionSweeper;
import io.vidlog.fragmentstore.streams.ObjectStoreStreamRegistry;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.Collection;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream side of fragment-store wired together, for the server's launcher: the streams
 * registry, the durable time index, the live feeds, fragment-number minting and the retention
 * sweeper, on top of an {@link ObjectStore}, the {@link Sealers} of each scope and a
 * {@link FragmentArchive} (from the object, crypto and chunk packages). The registry seals with the
 * {@code system} scope, the index with each stream's creation id. Deleting a stream drops its live
 * feed (subscribers are cut off with STREAM_DELETED), its cached index and its minting state.
 *
 * <pre>{@code
 * FragmentStore.open(vertx, objectStore, scope -> crypto.keys(scope).map(k -> k), archive, FragmentStoreConfig.DEFAULT)
 *     .onSuccess(fs -> { fs.registry(); fs.index(); fs.feeds(); fs.numbersFor(stream); });
 * }</pre>
 */
public final class FragmentStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FragmentStore.class);

  private final Vertx vertx;
  private final ObjectStoreStreamRegistry registry;
  private final ObjectStoreTimeIndex index;
  private final MemoryLiveFeeds feeds;
  private final FragmentNumbers numbers;
  private final RetentionSweeper sweeper;
  private final FragmentArchive archive;
  private final long flushTimer;
  /** Which streams this node writes the index of and sweeps (all of them, unless a cluster says otherwise). */
  private volatile Predicate<String> writes = id -> true;

  private FragmentStore(Vertx vertx, ObjectStoreStreamRegistry registry, ObjectStoreTimeIndex index,
      FragmentArchive archive, FragmentStoreConfig config) {
    this.vertx = vertx;
    this.registry = registry;
    this.archive = archive;
    this.index = index;
    this.feeds = new MemoryLiveFeeds(vertx, config.live());
    this.numbers = new FragmentNumbers(config.nodeId());
    this.sweeper = new RetentionSweeper(vertx, this::sweptStreams, index, archive, System::currentTimeMillis)
        .start(config.retentionSweepMillis());
    this.flushTimer = vertx.setPeriodic(config.indexFlushMillis(), t -> {
      index.flushAll(writes);
      index.forgetUnless(writes);
    });
    registry.onDeleted(s -> {
      feeds.drop(s.streamId());
      index.forget(s.streamId());
      numbers.forget(s.streamId());
    });
  }

  /** Loads the registry, then wires everything; the sweeper and the index flush timer start at once. */
  public static Future<FragmentStore> open(Vertx vertx, ObjectStore store, Sealers sealers, FragmentArchive archive,
      FragmentStoreConfig config) {
    return ObjectStoreStreamRegistry.open(vertx, store, sealers, config.registry())
        .map(r -> new FragmentStore(vertx, r, new ObjectStoreTimeIndex(store, sealers, archive, config.index()), archive,
            config));
  }

  /**
   * As {@link #open(Vertx, ObjectStore, Sealers, FragmentArchive, FragmentStoreConfig)} with one
   * sealer (the {@code system} scope's) for stream records and index objects alike; index objects
   * then name their stream inside the sealed name instead of being sealed under its keys.
   */
  public static Future<FragmentStore> open(Vertx vertx, ObjectStore store, ObjectSealer systemSealer,
      FragmentArchive archive, FragmentStoreConfig config) {
    return ObjectStoreStreamRegistry.open(vertx, store, systemSealer, config.registry())
        .map(r -> new FragmentStore(vertx, r, new ObjectStoreTimeIndex(store, systemSealer, archive, config.index()),
            archive, config));
  }

  /**
   * Narrows the streams whose index this node writes (segments, summaries) and whose retention it
   * applies to those {@code writes} accepts. In a cluster one node writes a stream, its ingest owner
   * (docs/architecture.md §Scale-out); on the others the stream's index is only read, and the
   * sweeper leaves it alone, so retention runs once per stream, not once per node.
   */
  public void writers(Predicate<String> writes) {
    this.writes = writes;
  }

  private Collection<StreamInfo> sweptStreams() {
    Predicate<String> w = writes;
    return registry.streams().stream().filter(s -> w.test(s.streamId())).toList();
  }

  public ObjectStoreStreamRegistry registry() {
    return registry;
  }

  public ObjectStoreTimeIndex index() {
    return index;
  }

  public MemoryLiveFeeds feeds() {
    return feeds;
  }

  public FragmentArchive archive() {
    return archive;
  }

  public RetentionSweeper sweeper() {
    return sweeper;
  }

  /** This node's fragment-number minter (raise a stream's floor with {@link #numbersFor} first). */
  public FragmentNumbers numbers() {
    return numbers;
  }

  /**
   * The minter, with the stream's high-water mark raised to its index's latest number: call once
   * when an ingest connection opens, then {@code numbers.next(stream.streamId())} per fragment.
   */
  public Future<FragmentNumbers> numbersFor(StreamInfo stream) {
    return index.latest(stream).map(latest -> {
      numbers.floor(stream.streamId(), latest == null ? null : latest.number());
      return numbers;
    });
  }

  /** Cuts off live subscribers (SHUTDOWN), stops the timers and writes partial index segments. */
  public Future<Void> shutdown() {
    close();
    return index.flushAll(writes)
        .onFailure(e -> LOG.warn("flushing the index at shutdown failed: {}", e.toString()));
  }

  @Override
  public void close() {
    vertx.cancelTimer(flushTimer);
    sweeper.close();
    feeds.close();
  }
}
