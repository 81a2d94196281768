package io.vidlog.server.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.index.SegmentCache;
import java.util.concurrent.TimeUnit;

/**
 * The time index on {@code /metrics} (docs/architecture.md §Storage, "Time index"): what its segment
 * cache holds and how it is used ({@code vidlog_index_cache_bytes}, {@code _capacity_bytes},
 * {@code _segments}, {@code _hits_total}, {@code _misses_total}, {@code _evictions_total}), the
 * segments read from the store and how long each took ({@code vidlog_index_segment_loads_seconds},
 * {@code vidlog_index_segment_load_failures_total}), and what stays in memory whatever is queried
 * ({@code vidlog_index_resident_bytes} of summaries and tails, {@code vidlog_index_streams} loaded).
 * Every value is read from counters the index keeps, so a scrape does no index work.
 */
public final class IndexMetrics {
  private IndexMetrics() {}

  public static void bind(MeterRegistry registry, ObjectStoreTimeIndex index) {
    SegmentCache cache = index.cache();
    Gauge.builder("vidlog.index.cache.bytes", cache, SegmentCache::bytes).baseUnit("bytes")
        .description("Bytes of index segments held in the cache").register(registry);
    Gauge.builder("vidlog.index.cache.capacity.bytes", cache, SegmentCache::capacityBytes)
        .description("Bytes the index segment cache may hold (--index-cache)").register(registry);
    Gauge.builder("vidlog.index.cache.segments", cache, SegmentCache::segments)
        .description("Index segments held in the cache").register(registry);
    FunctionCounter.builder("vidlog.index.cache.hits", cache, SegmentCache::hits)
        .description("Index segment lookups answered from memory").register(registry);
    FunctionCounter.builder("vidlog.index.cache.misses", cache, SegmentCache::misses)
        .description("Index segment lookups that read the segment from the store").register(registry);
    FunctionCounter.builder("vidlog.index.cache.evictions", cache, SegmentCache::evictions)
        .description("Index segments evicted, least recently used first").register(registry);
    FunctionCounter.builder("vidlog.index.segment.load.failures", cache, SegmentCache::loadFailures)
        .description("Index segment reads that failed").register(registry);
    Timer loads = Timer.builder("vidlog.index.segment.loads")
        .description("Index segments read, opened and decoded from the store").register(registry);
    cache.onLoad(nanos -> loads.record(nanos, TimeUnit.NANOSECONDS));
    Gauge.builder("vidlog.index.resident.bytes", index, ObjectStoreTimeIndex::residentBytes).baseUnit("bytes")
        .description("Bytes of stream summaries and open tails, held whatever is queried").register(registry);
    Gauge.builder("vidlog.index.streams", index, ObjectStoreTimeIndex::loadedStreams)
        .description("Streams whose index summary is in memory").register(registry);
  }
}
