package io.vidlog.producer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeArgTest {
  private static final Instant NOW = Instant.parse("2026-12-07T10:15:30.250Z");

  @Test
  void readsEveryFormTheHelpNames() {
    assertEquals(NOW, TimeArg.parse("now", NOW));
    assertEquals(Instant.parse("2026-12-07T10:15:00Z"), TimeArg.parse("2026-12-07T10:15:00Z", NOW));
    assertEquals(Instant.parse("2026-12-07T10:15:00Z"), TimeArg.parse("2026-12-07T11:15:00+01:00", NOW));
    assertEquals(Instant.parse("2026-12-07T10:15:00.5Z"), TimeArg.parse("2026-12-07T10:15:00.5", NOW), "no zone: UTC");
    assertEquals(Instant.ofEpochSecond(1765102500, 500_000_000), TimeArg.parse("1765102500.5", NOW));
    assertEquals(NOW.minusSeconds(90), TimeArg.parse("-90s", NOW));
    assertEquals(NOW.minusSeconds(300), TimeArg.parse("-5m", NOW));
    assertEquals(NOW.minusSeconds(5400), TimeArg.parse("-1.5h", NOW));
    assertEquals(NOW.minusSeconds(86400), TimeArg.parse("-1d", NOW));
    assertEquals(NOW.plusMillis(250), TimeArg.parse("+250ms", NOW));
  }

  @Test
  void refusesOtherTextQuotingIt() {
    for (String bad : new String[] {"yesterday", "-5", "5m", "2026-13-01T00:00:00Z", ""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeArg.parse(bad, NOW), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
