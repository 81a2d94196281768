package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.kvs.AckError;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the log says about refused fragments when a failure comes and goes, or is a full disk. */
class StoreFailureLogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(StoreFailureLog.class);
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final AtomicLong clock = new AtomicLong();
  private final StoreFailureLog log = new StoreFailureLog(clock::get);

  @BeforeEach
  void capture() {
    captured.start();
    logger.addAppender(captured);
  }

  @AfterEach
  void release() {
    logger.detachAppender(captured);
  }

  /** One stream's fragments fail while others persist, ten times a second for a minute: still a line or three per 10 s. */
  @Test
  void aFailureThatComesAndGoesLogsAtMostOneLineOfEachKindPerPeriod() {
    StoreException broken = new StoreException(StoreException.Kind.UNAVAILABLE, "put: 500 Internal Error");
    int steps = 600;
    for (int i = 0; i < steps; i++) {
      clock.set(TimeUnit.MILLISECONDS.toNanos(100L * i));
      log.failed("cam-bad", new FragmentNumber(String.valueOf(i + 1)), AckError.ARCHIVAL_ERROR, broken);
      log.persisted();
    }
    // the next persisted fragment a period later closes the episode the flapping kept open
    clock.addAndGet(StoreFailureLog.SUMMARY_PERIOD_NANOS);
    log.persisted();
    List<ILoggingEvent> lines = List.copyOf(captured.list);
    long periods = TimeUnit.MILLISECONDS.toNanos(100L * steps) / StoreFailureLog.SUMMARY_PERIOD_NANOS;
    assertTrue(lines.size() <= 3 * (periods + 1), lines.size() + " lines in " + periods + " periods");
    assertTrue(lines.stream().filter(e -> e.getThrowableProxy() != null).count() <= periods + 1,
        "at most one stack trace per period");
    assertTrue(lines.get(lines.size() - 1).getFormattedMessage().contains("persisted again"),
        lines.get(lines.size() - 1).getFormattedMessage());
  }

  /** A full disk: the first refusal names the cause in one line, no stack trace; the recovery line counts them. */
  @Test
  void aFullDiskLogsItsCauseWithoutAStackTrace() {
    StoreException full = new StoreException(StoreException.Kind.FULL, "put: no space left on device");
    for (int i = 0; i < 50; i++) {
      clock.set(TimeUnit.MILLISECONDS.toNanos(100L * i));
      log.failed("cam-" + (i % 5), new FragmentNumber(String.valueOf(i + 1)), AckError.STORE_FULL, full);
    }
    log.persisted();
    List<ILoggingEvent> lines = List.copyOf(captured.list);
    assertEquals(2, lines.size(), "the first refusal and the recovery: " + lines);
    assertTrue(lines.get(0).getFormattedMessage().contains("no space left on device"),
        lines.get(0).getFormattedMessage());
    assertEquals(null, lines.get(0).getThrowableProxy(), "no stack trace");
    assertTrue(lines.get(1).getFormattedMessage().contains("50 fragments of 5 streams"),
        lines.get(1).getFormattedMessage());
  }
}
