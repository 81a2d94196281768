package io.vidlog.producer.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as a command line takes it: {@code now}; an ISO-8601 time with a zone
 * ({@code 2026-12-07T10:15:00Z}, {@code 2026-12-07T11:15:00+01:00}) or without one, taken as UTC;
 * seconds since the epoch ({@code 1765102500.5}); or an offset from now ({@code -90s}, {@code -5m},
 * {@code -2h}, {@code -1d}, {@code +10s}).
 */
final class TimeArg {
  private static final Pattern RELATIVE = Pattern.compile("([+-])(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
  private static final Pattern EPOCH = Pattern.compile("\\d+(?:\\.\\d{1,9})?");

  private TimeArg() {}

  static Instant parse(String text, Instant now) {
    String t = text.trim();
    if (t.equalsIgnoreCase("now")) {
      return now;
    }
    Matcher rel = RELATIVE.matcher(t);
    if (rel.matches()) {
      BigDecimal amount = new BigDecimal(rel.group(2));
      long unitNanos = switch (rel.group(3)) {
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> 86_400_000_000_000L;
      };
      Duration d = Duration.ofNanos(amount.multiply(BigDecimal.valueOf(unitNanos)).longValue());
      return rel.group(1).equals("-") ? now.minus(d) : now.plus(d);
    }
    if (EPOCH.matcher(t).matches()) {
      BigDecimal s = new BigDecimal(t);
      return Instant.ofEpochSecond(s.longValue(), s.remainder(BigDecimal.ONE).movePointRight(9).longValue());
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException("time '" + text + "': want now, an ISO-8601 time (2026-12-07T10:15:00Z),"
            + " seconds since the epoch, or an offset from now (-90s, -5m, -2h, -1d)");
      }
    }
  }
}
