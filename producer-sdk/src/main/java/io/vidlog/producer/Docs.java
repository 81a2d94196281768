package io.vidlog.producer;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of members of response documents. A member of the wrong type is a
 * {@link ConnectionException}: the answer is not what the API returns.
 */
final class Docs {
  private Docs() {}

  static String string(Map<String, Object> doc, String key) {
    Object v = doc.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    throw wrong(key, "a string");
  }

  static String requiredString(Map<String, Object> doc, String key) {
    String s = string(doc, key);
    if (s == null) {
      throw new ConnectionException("the answer lacks " + key);
    }
    return s;
  }

  static BigDecimal number(Map<String, Object> doc, String key) {
    Object v = doc.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof BigDecimal d) {
      return d;
    }
    throw wrong(key, "a number");
  }

  /** A timestamp in epoch seconds, possibly fractional (docs/wire-protocol.md §0 "Timestamps"). */
  static Instant instant(Map<String, Object> doc, String key) {
    BigDecimal d = number(doc, key);
    return d == null ? null : fromSeconds(d);
  }

  static Instant fromSeconds(BigDecimal seconds) {
    BigDecimal nanos = seconds.movePointRight(9);
    long n = nanos.longValue();
    return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
  }

  /** Epoch seconds with exactly three decimals, as requests carry them. */
  static BigDecimal seconds(Instant t) {
    return BigDecimal.valueOf(t.toEpochMilli(), 3);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Map<String, Object> doc, String key) {
    Object v = doc.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Map) {
      return (Map<String, Object>) v;
    }
    throw wrong(key, "an object");
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> doc, String key) {
    Object v = doc.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List) {
      return (List<Object>) v;
    }
    throw wrong(key, "a list");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asObject(Object v, String what) {
    if (v instanceof Map) {
      return (Map<String, Object>) v;
    }
    throw new ConnectionException(what + " is not a JSON object");
  }

  private static ConnectionException wrong(String key, String what) {
    return new ConnectionException("the answer's " + key + " is not " + what);
  }
}
