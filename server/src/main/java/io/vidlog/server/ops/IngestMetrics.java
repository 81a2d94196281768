package io.vidlog.server.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * {@code vidlog_ingest_persist_seconds}: for each fragment acked PERSISTED, the time from the moment
 * ingest closed it to its durable commit (stored and indexed), as a Prometheus histogram
 * ({@code _bucket{le=...}}, {@code _count}, {@code _sum}, {@code _max}). Operators read the store's
 * share of their producers' PERSISTED latency from it; a rate of the buckets gives its quantiles
 * over any window.
 */
public final class IngestMetrics {
  public static final String PERSIST = "vidlog.ingest.persist";

  private IngestMetrics() {}

  /** The observer to hand to {@code IngestApi.onPersisted}. */
  public static LongConsumer persistTimer(MeterRegistry registry) {
    Timer timer = Timer.builder(PERSIST)
        .description("fragment closed at ingest to durable and indexed (acked PERSISTED)")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
    return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
  }
}
