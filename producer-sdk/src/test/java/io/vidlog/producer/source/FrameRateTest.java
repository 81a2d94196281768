package io.vidlog.producer.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameRateTest {
  @Test
  void parsesIntegersDecimalsAndRatios() {
    assertEquals(new FrameRate(25, 1), FrameRate.parse("25"));
    assertEquals(new FrameRate(2997, 100), FrameRate.parse("29.97"));
    assertEquals(new FrameRate(30000, 1001), FrameRate.parse("30000/1001"));
    assertEquals(new FrameRate(25, 1), FrameRate.parse("25.000"));
  }

  @Test
  void refusesWhatIsNoFrameRateNamingIt() {
    for (String bad : new String[] {"", "x", "0", "-5", "25/0", "1e9", "2000", "1.0000001"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameRate.parse(bad), bad);
      assertTrue(e.getMessage().contains("frame rate"), e.getMessage());
    }
  }

  @Test
  void frameTimesAreComputedNotAccumulated() {
    FrameRate ntsc = new FrameRate(30000, 1001);
    assertEquals(1001L * 1_000_000_000L, ntsc.frameTimeNanos(30000), "30000 frames are exactly 1001 s");
    assertEquals(33_366_666L, ntsc.frameDurationNanos());
    assertEquals(40_000_000L * 1_000_000_000L, FrameRate.of(25).frameTimeNanos(1_000_000_000L));
  }
}
