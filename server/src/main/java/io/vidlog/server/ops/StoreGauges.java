package io.vidlog.server.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.object.ObjectStore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's gauges: whether the last periodic {@link ObjectStore#ping()} succeeded
 * ({@code vidlog_store_up}) and how long it took ({@code vidlog_store_ping_seconds}), tagged with the
 * backend. Pinging on a timer keeps {@code /metrics} scrapes free of store I/O.
 */
public final class StoreGauges {
  private final AtomicLong up = new AtomicLong();
  private final AtomicLong pingNanos = new AtomicLong();
  private final ObjectStore store;
  private long timerId = -1;

  public StoreGauges(MeterRegistry registry, ObjectStore store) {
    this.store = store;
    Tags tags = Tags.of("backend", store.backend());
    Gauge.builder("vidlog.store.up", up, AtomicLong::get).tags(tags).register(registry);
    Gauge.builder("vidlog.store.ping.seconds", pingNanos, n -> n.get() / 1e9).tags(tags).register(registry);
  }

  public void start(Vertx vertx, long periodMs) {
    ping();
    timerId = vertx.setPeriodic(periodMs, id -> ping());
  }

  public void stop(Vertx vertx) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  private void ping() {
    long t0 = System.nanoTime();
    store.ping().onComplete(ar -> {
      pingNanos.set(System.nanoTime() - t0);
      up.set(ar.succeeded() ? 1 : 0);
    });
  }
}
