package io.vidlog.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PersistHistogramTest {
  static String scrape(long a, long b, long c, long inf) {
    return "# TYPE vidlog_ingest_persist_seconds histogram\n"
        + "vidlog_ingest_persist_seconds_bucket{le=\"0.001\"} " + a + "\n"
        + "vidlog_ingest_persist_seconds_bucket{le=\"0.01\"} " + b + "\n"
        + "vidlog_ingest_persist_seconds_bucket{le=\"0.1\"} " + c + "\n"
        + "vidlog_ingest_persist_seconds_bucket{le=\"+Inf\"} " + inf + "\n"
        + "vidlog_ingest_persist_seconds_count " + inf + "\n";
  }

  @Test
  void aPhaseIsTheDifferenceOfTwoScrapesAndItsQuantilesAreBucketBounds() {
    PersistHistogram before = PersistHistogram.parse(scrape(5, 10, 10, 10));
    PersistHistogram after = PersistHistogram.parse(scrape(5, 108, 109, 110));
    PersistHistogram phase = after.since(before);
    assertEquals(100, phase.count());
    assertEquals(10.0, phase.quantileUpperMs(0.5), 1e-9, "none of the phase's under 1 ms");
    assertEquals(10.0, phase.quantileUpperMs(0.98), 1e-9);
    assertEquals(100.0, phase.quantileUpperMs(0.99), 1e-9);
    assertEquals(Double.POSITIVE_INFINITY, phase.quantileUpperMs(1.0));
    assertTrue(Double.isNaN(before.since(before).quantileUpperMs(0.5)), "an empty phase has no quantile");
    assertEquals(0, PersistHistogram.parse("jvm_threads_live_threads 7\n").count(), "an older server has none");
  }
}
