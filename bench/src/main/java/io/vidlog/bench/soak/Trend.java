package io.vidlog.bench.soak;

import java.util.List;

/**
 * Whether a series sampled over a run is flat: a least-squares line through all its points (a leak
 * is a slope, whatever the noise of single samples), and the mean of its first {@code edge} seconds
 * against the mean of its last {@code edge} seconds. Flat when neither the fitted rise over the run
 * nor the last window's excess over the first exceeds {@code tolerance}.
 *
 * @param slopePerMinute least-squares slope, in the series' unit per minute
 * @param fittedRise slope times the run's length
 * @param firstMean mean of the points in the first {@code edge} seconds
 * @param lastMean mean of the points in the last {@code edge} seconds
 * @param tolerance the rise allowed, in the series' unit
 */
record Trend(double slopePerMinute, double fittedRise, double firstMean, double lastMean, double tolerance) {

  /** One sample: seconds since the start, and the value. */
  record Point(double seconds, double value) {}

  static Trend of(List<Point> points, double edgeSeconds, double absoluteTolerance, double relativeTolerance) {
    int n = points.size();
    if (n < 2) {
      double v = n == 0 ? Double.NaN : points.get(0).value();
      return new Trend(0, 0, v, v, absoluteTolerance);
    }
    double sx = 0;
    double sy = 0;
    for (Point p : points) {
      sx += p.seconds();
      sy += p.value();
    }
    double mx = sx / n;
    double my = sy / n;
    double sxy = 0;
    double sxx = 0;
    for (Point p : points) {
      sxy += (p.seconds() - mx) * (p.value() - my);
      sxx += (p.seconds() - mx) * (p.seconds() - mx);
    }
    double slope = sxx == 0 ? 0 : sxy / sxx; // per second
    double start = points.get(0).seconds();
    double end = points.get(n - 1).seconds();
    double first = mean(points, start, start + edgeSeconds);
    double last = mean(points, end - edgeSeconds, end);
    double tolerance = Math.max(absoluteTolerance, relativeTolerance * Math.abs(first));
    return new Trend(slope * 60, slope * (end - start), first, last, tolerance);
  }

  private static double mean(List<Point> points, double from, double to) {
    double sum = 0;
    int n = 0;
    for (Point p : points) {
      if (p.seconds() >= from && p.seconds() <= to) {
        sum += p.value();
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  boolean flat() {
    return fittedRise <= tolerance && !(lastMean - firstMean > tolerance);
  }

  String describe(String unit) {
    return String.format("slope %+.2f %s/min (fitted rise over the run %+.1f %s), first-window mean %.1f, "
        + "last-window mean %.1f (allowed rise %.1f %s): %s", slopePerMinute, unit, fittedRise, unit, firstMean,
        lastMean, tolerance, unit, flat() ? "FLAT" : "GROWING");
  }
}
