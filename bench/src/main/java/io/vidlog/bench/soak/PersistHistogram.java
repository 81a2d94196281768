package io.vidlog.bench.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's own persist times ({@code vidlog_ingest_persist_seconds}: a fragment's close at
 * ingest to its durable commit) as cumulative bucket counts from one {@code /metrics} scrape. Two
 * scrapes' difference gives a phase's distribution, with quantiles known to a bucket's upper bound:
 * the server's share of the PERSISTED latency the producers see, apart from the network and the
 * load generator's own event loops.
 */
record PersistHistogram(TreeMap<Double, Long> cumulative) {
  private static final Pattern BUCKET =
      Pattern.compile("(?m)^vidlog_ingest_persist_seconds_bucket\\{le=\"([^\"]+)\"} (\\S+)$");

  static PersistHistogram parse(String scrape) {
    TreeMap<Double, Long> buckets = new TreeMap<>();
    Matcher m = BUCKET.matcher(scrape);
    while (m.find()) {
      double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
      buckets.put(le, (long) Double.parseDouble(m.group(2)));
    }
    return new PersistHistogram(buckets);
  }

  /** What was recorded since {@code earlier}. */
  PersistHistogram since(PersistHistogram earlier) {
    TreeMap<Double, Long> d = new TreeMap<>();
    cumulative.forEach((le, n) -> d.put(le, n - earlier.cumulative.getOrDefault(le, 0L)));
    return new PersistHistogram(d);
  }

  long count() {
    return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
  }

  /** The upper bound in ms of the bucket holding quantile {@code q}; NaN when empty, infinite past the last bound. */
  double quantileUpperMs(double q) {
    long total = count();
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * total);
    for (Map.Entry<Double, Long> e : cumulative.entrySet()) {
      if (e.getValue() >= rank) {
        return e.getKey() * 1000;
      }
    }
    return Double.POSITIVE_INFINITY;
  }
}
