package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileSystemException;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.kvs.AckError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Which 5001 a fragment that was received but not stored gets (docs/wire-protocol.md §1.3), and how
 * much the log says about it.
 */
class AckStreamTest {

  /**
   * 300 cameras, one fragment a second each, through a 60 s store outage: 18,000 refused fragments.
   * The log says it in a bounded number of lines (the first failure with its stack trace, a summary
   * per 10 s, one line when fragments persist again) that together account for every failure.
   */
  @Test
  void aStoreOutageAcrossHundredsOfStreamsLogsABoundedNumberOfLinesThatCountEveryFailure() throws Exception {
    int streams = 300;
    int seconds = 60;
    Vertx vertx = Vertx.vertx();
    Logger ingestLog = (Logger) LoggerFactory.getLogger("io.vidlog.ingest");
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    ingestLog.addAppender(captured);
    try {
      Context context = vertx.getOrCreateContext();
      AtomicLong clock = new AtomicLong();
      StoreFailureLog failures = new StoreFailureLog(clock::get);
      List<FakeExchange> exchanges = new ArrayList<>();
      List<AckStream> acks = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        FakeExchange exchange = new FakeExchange();
        exchanges.add(exchange);
        acks.add(new AckStream(exchange, context, "cam-" + s, () -> { }, failures));
      }
      StoreException down = new StoreException(StoreException.Kind.UNAVAILABLE, "put: connection refused");
      long number = 1;
      for (int t = 0; t < seconds; t++) {
        clock.set(TimeUnit.SECONDS.toNanos(t));
        long first = number;
        number += streams;
        onContext(context, () -> {
          for (int s = 0; s < streams; s++) {
            acks.get(s).afterCommit(Future.failedFuture(down), 0, new FragmentNumber(String.valueOf(first + s)));
          }
        });
      }
      clock.set(TimeUnit.SECONDS.toNanos(seconds));
      long last = number;
      onContext(context, () -> acks.get(0).afterCommit(Future.succeededFuture(), 0,
          new FragmentNumber(String.valueOf(last))));

      long errors = exchanges.stream().flatMap(e -> e.acks.stream()).filter(a -> "ERROR".equals(a.getString(
          "EventType"))).count();
      assertEquals((long) streams * seconds, errors, "every refused fragment was answered ERROR");
      List<ILoggingEvent> lines = List.copyOf(captured.list);
      assertTrue(lines.size() <= 1 + seconds / 10 + 1, "at most the first failure, a summary per 10 s and the"
          + " recovery: " + lines.size() + " lines");
      assertEquals(1, lines.stream().filter(e -> e.getThrowableProxy() != null).count(),
          "one stack trace, of the first failure");
      long summarized = 1;
      for (ILoggingEvent e : lines.subList(1, lines.size() - 1)) {
        summarized += (Long) e.getArgumentArray()[0];
      }
      ILoggingEvent recovery = lines.get(lines.size() - 1);
      assertTrue(recovery.getFormattedMessage().contains("persisted again"), recovery.getFormattedMessage());
      summarized += (Long) recovery.getArgumentArray()[5];
      assertEquals((long) streams * seconds, summarized, "the lines account for every refused fragment");
      assertEquals((long) streams * seconds, recovery.getArgumentArray()[0], "the recovery line counts them all");
      assertEquals(String.valueOf(streams), recovery.getArgumentArray()[1], "of every stream");
    } finally {
      ingestLog.detachAppender(captured);
      vertx.close().await();
    }
  }

  /** Runs {@code r} on {@code context} and waits until it and every task it queued there ran. */
  private static void onContext(Context context, Runnable r) throws Exception {
    CompletableFuture<Void> ran = new CompletableFuture<>();
    context.runOnContext(v -> {
      r.run();
      context.runOnContext(w -> ran.complete(null));
    });
    ran.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aStoreWithoutSpaceIsStoreFullWhereverTheFailureCameFrom() {
    assertEquals(AckError.STORE_FULL,
        AckStream.archivalError(new StoreException(StoreException.Kind.FULL, "put: no space left")));
    // a spool write of the chunk: Vert.x's file system error around the JDK's
    assertEquals(AckError.STORE_FULL,
        AckStream.archivalError(new FileSystemException(new IOException("No space left on device"))));
    assertEquals(AckError.STORE_FULL, AckStream.archivalError(new IOException("No space left on device")));
    assertEquals(AckError.STORE_FULL, AckStream.archivalError(new IOException("Disk quota exceeded")));
  }

  @Test
  void anyOtherStoreFailureIsArchivalError() {
    assertEquals(AckError.ARCHIVAL_ERROR,
        AckStream.archivalError(new StoreException(StoreException.Kind.UNAVAILABLE, "connection refused")));
    assertEquals(AckError.ARCHIVAL_ERROR, AckStream.archivalError(new IOException("Input/output error")));
    assertEquals(AckError.ARCHIVAL_ERROR, AckStream.archivalError(new IllegalStateException("no space left")));
  }
}
