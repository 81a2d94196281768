package io.vidlog.server.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {

  @Test
  void persistTimesAreAHistogramOnTheScrape() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LongConsumer persisted = IngestMetrics.persistTimer(registry);
    persisted.accept(4_000_000L);
    persisted.accept(9_000_000L);
    persisted.accept(2_500_000_000L);
    String scrape = registry.scrape();
    assertTrue(scrape.contains("vidlog_ingest_persist_seconds_count 3"), scrape);
    assertTrue(scrape.contains("vidlog_ingest_persist_seconds_max 2.5"), scrape);
    // buckets are cumulative: two of the three within 10 ms, all three within 60 s
    assertTrue(scrape.matches("(?s).*vidlog_ingest_persist_seconds_bucket\\{le=\"0\\.01[0-9]*\"} 2\n.*"), scrape);
    assertTrue(scrape.contains("vidlog_ingest_persist_seconds_bucket{le=\"+Inf\"} 3"), scrape);
  }
}
