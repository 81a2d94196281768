package io.vidlog.server.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.server.support.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class RateLimitedLogTest {
  static final String NAME = "io.vidlog.server.logging.RateLimitedLogTest";
  final AtomicLong nanos = new AtomicLong(123);
  final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(NAME), Level.WARN, Duration.ofSeconds(10),
      nanos::get);

  private static List<String> mine(LogCapture capture) {
    return capture.lines().stream().filter(l -> l.contains(NAME)).toList();
  }

  @Test
  void oneLinePerIntervalAndTheNextOneCountsWhatWasLeftOut() {
    try (LogCapture capture = new LogCapture()) {
      assertTrue(log.log("refused {}", "a"));
      for (int i = 0; i < 5; i++) {
        nanos.addAndGet(1_000_000_000L);
        assertFalse(log.log("refused {}", "b" + i));
      }
      assertEquals(List.of("WARN " + NAME + " refused a"), mine(capture));
      nanos.addAndGet(5_000_000_001L); // 10 s after the first
      assertTrue(log.log("refused {}", "c"));
      assertEquals("WARN " + NAME + " refused c (5 more like it not logged since the last)", mine(capture).get(1));
      nanos.addAndGet(10_000_000_000L);
      assertTrue(log.log("refused {}", "d"));
      assertEquals("WARN " + NAME + " refused d", mine(capture).get(2));
    }
  }

  @Test
  void aTrailingCauseStaysTheCause() {
    try (LogCapture capture = new LogCapture()) {
      log.log("first");
      log.log("second {}", "x", new IllegalStateException("boom"));
      nanos.addAndGet(20_000_000_000L);
      log.log("third {}", "y", new IllegalStateException("bang"));
      List<String> lines = mine(capture);
      assertEquals(2, lines.size(), lines::toString);
      assertTrue(lines.get(1).startsWith("WARN " + NAME + " third y (1 more like it not logged since the last)\n"
          + "java.lang.IllegalStateException: bang"), lines.get(1));
    }
  }

  @Test
  void aDisabledLevelCountsNothing() {
    RateLimitedLog trace = new RateLimitedLog(LoggerFactory.getLogger(NAME), Level.TRACE, Duration.ofSeconds(1),
        nanos::get);
    try (LogCapture capture = new LogCapture()) {
      assertFalse(trace.log("never"));
      assertTrue(mine(capture).isEmpty());
    }
  }
}
