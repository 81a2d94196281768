package io.vidlog.server.ops;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamStatus;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import io.vidlog.fragmentstore.testing.TestSealer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IndexMetricsTest {
  static final StreamInfo STREAM = new StreamInfo("cam", "arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam/1",
      "0123456789abcdef0123", StreamStatus.ACTIVE, null, null, "alias/aws/kinesisvideo", 24, "v1", 1L, Map.of());

  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    assertTrue(m.find(), series + " in\n" + scrape);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void cacheUseLoadsAndResidentMemoryAreOnTheScrape() {
    MemoryObjectStore store = new MemoryObjectStore();
    // two fragments per segment and a cache that keeps nothing: every segment a query needs is read
    ObjectStoreTimeIndex index = new ObjectStoreTimeIndex(store, new TestSealer(), new MemoryArchive(store),
        new IndexConfig(2, 1, 1, 0));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IndexMetrics.bind(registry, index);
    for (int i = 0; i < 7; i++) {
      await(index.append(STREAM, new FragmentRecord(FragmentNumber.parse(String.format("%022d", 100 + i)),
          1_000L * i, 1_000L * i, 1_000, 10, 1, false)));
    }
    assertEquals(7, await(index.range(STREAM, TimestampKind.SERVER, 0, 10_000, 100, null)).records().size());

    String scrape = registry.scrape();
    assertEquals(3, value(scrape, "vidlog_index_segment_loads_seconds_count"), "three sealed segments, one in the tail");
    assertTrue(value(scrape, "vidlog_index_segment_loads_seconds_sum") > 0);
    assertEquals(3, value(scrape, "vidlog_index_cache_misses_total"));
    assertEquals(0, value(scrape, "vidlog_index_cache_hits_total"));
    assertEquals(0, value(scrape, "vidlog_index_cache_capacity_bytes"));
    assertEquals(0, value(scrape, "vidlog_index_cache_bytes"));
    assertEquals(0, value(scrape, "vidlog_index_segment_load_failures_total"));
    assertEquals(1, value(scrape, "vidlog_index_streams"));
    assertTrue(value(scrape, "vidlog_index_resident_bytes") > 0);

    // a cache with room keeps the segments its load read (listed after a summary not yet written)
    ObjectStoreTimeIndex roomy = new ObjectStoreTimeIndex(store, new TestSealer(), new MemoryArchive(store),
        new IndexConfig(2, 1, 1, 1 << 20));
    PrometheusMeterRegistry second = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IndexMetrics.bind(second, roomy);
    await(roomy.range(STREAM, TimestampKind.SERVER, 0, 10_000, 100, null));
    await(roomy.range(STREAM, TimestampKind.SERVER, 0, 10_000, 100, null));
    String s2 = second.scrape();
    assertEquals(6, value(s2, "vidlog_index_cache_hits_total"));
    assertEquals(0, value(s2, "vidlog_index_cache_misses_total"));
    assertEquals(3, value(s2, "vidlog_index_cache_segments"));
    assertTrue(value(s2, "vidlog_index_cache_bytes") > 0);
  }
}
