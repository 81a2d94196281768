package io.vidlog.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrendTest {

  private static List<Trend.Point> series(int minutes, double start, double perMinute, double noise) {
    List<Trend.Point> points = new ArrayList<>();
    for (int s = 0; s <= minutes * 60; s += 10) {
      double wobble = (s / 10 % 2 == 0 ? 1 : -1) * noise;
      points.add(new Trend.Point(s, start + perMinute * s / 60.0 + wobble));
    }
    return points;
  }

  @Test
  void aSawtoothAroundAFlatLineIsFlat() {
    Trend t = Trend.of(series(30, 200, 0, 20), 300, 16, 0.05);
    assertEquals(0, t.slopePerMinute(), 0.05);
    assertTrue(t.flat(), t.describe("MB"));
  }

  @Test
  void aSlowLeakIsGrowingThoughEverySampleIsWithinTheNoise() {
    // 1 MB a minute under ±20 MB of noise: 30 MB over the run, more than the 16 MB allowed
    Trend t = Trend.of(series(30, 200, 1, 20), 300, 16, 0.05);
    assertEquals(1, t.slopePerMinute(), 0.05);
    assertEquals(30, t.fittedRise(), 1);
    assertFalse(t.flat(), t.describe("MB"));
  }

  @Test
  void firstAndLastWindowsAreMeansOfTheirSamples() {
    Trend t = Trend.of(List.of(new Trend.Point(0, 10), new Trend.Point(10, 20), new Trend.Point(100, 30),
        new Trend.Point(110, 50)), 10, 1, 0);
    assertEquals(15, t.firstMean(), 1e-9);
    assertEquals(40, t.lastMean(), 1e-9);
  }
}
