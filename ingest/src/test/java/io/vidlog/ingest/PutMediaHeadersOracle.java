package io.vidlog.ingest;

import io.vertx.core.MultiMap;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import io.vidlog.kvs.StreamRules;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What must hold for any PutMedia request headers (docs/wire-protocol.md §1.1): {@link PutMediaHeaders#parse}
 * throws nothing but InvalidArgumentException, with a short message whatever the client sent; it
 * is deterministic; an accepted request names exactly one stream whose name follows the model's
 * rules (an ARN renders back to the header it came from); an accepted start timestamp lies in
 * {@code [0, MAX_PRODUCER_MILLIS]} and reads the same written in the other accepted form (epoch
 * seconds or ISO-8601); and {@link PutMediaHeaders#producerTimestampMillis} is the exact value
 * (computed without overflow) or -1 exactly when that falls outside the same range or the cluster's
 * time does not fit in 64-bit nanoseconds.
 *
 * <p>The input is text as an HTTP server hands headers over: ISO-8859-1, one {@code name: value}
 * per line, values trimmed of spaces and tabs. Lines starting with {@code #} are not headers:
 * {@code #now <ms>} sets the server clock, {@code #cluster <timecode> <scaleNs>} adds a cluster to
 * compute a producer timestamp for (both unsigned, as the MKV reader reads them).
 */
final class PutMediaHeadersOracle {
  /** An error message longer than this echoes too much client text. */
  static final int MAX_MESSAGE = 256;
  private static final long DEFAULT_NOW = 1_700_000_000_000L;
  private static final List<long[]> DEFAULT_CLUSTERS = List.of(new long[] {0, 1_000_000},
      new long[] {123_456, 1_000_000}, new long[] {25_000, 100_000}, new long[] {Long.MAX_VALUE, 1});
  private static final BigInteger MILLION = BigInteger.valueOf(1_000_000);

  private PutMediaHeadersOracle() {}

  /** A request as the fuzz input describes it. */
  record Request(MultiMap headers, long nowMillis, List<long[]> clusters) {

    static Request decode(byte[] input) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      long now = DEFAULT_NOW;
      List<long[]> clusters = new ArrayList<>();
      for (String line : new String(input, StandardCharsets.ISO_8859_1).split("\n", -1)) {
        if (line.startsWith("#")) {
          String[] w = line.substring(1).trim().split(" +");
          Long a = w.length > 1 ? number(w[1]) : null;
          Long b = w.length > 2 ? number(w[2]) : null;
          if (w[0].equals("now") && a != null) {
            now = a;
          } else if (w[0].equals("cluster") && a != null && b != null && a >= 0 && b >= 0) {
            // what the MKV reader can hand over: Timecode and TimecodeScale are unsigned, at most 2^63-1
            clusters.add(new long[] {a, b});
          }
          continue;
        }
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.add(line.substring(0, colon).trim(), trimOws(line.substring(colon + 1)));
        }
      }
      return new Request(headers, now, clusters.isEmpty() ? DEFAULT_CLUSTERS : clusters);
    }

    private static Long number(String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }

    /** HTTP strips optional whitespace (spaces and tabs) around a field value (RFC 9110 §5.5). */
    private static String trimOws(String v) {
      int from = 0;
      int to = v.length();
      while (from < to && (v.charAt(from) == ' ' || v.charAt(from) == '\t' || v.charAt(from) == '\r')) {
        from++;
      }
      while (to > from && (v.charAt(to - 1) == ' ' || v.charAt(to - 1) == '\t' || v.charAt(to - 1) == '\r')) {
        to--;
      }
      return v.substring(from, to);
    }
  }

  static void check(byte[] input) {
    Request r = Request.decode(input);
    String first = outcome(r.headers(), r.nowMillis());
    MultiMap copy = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> e : r.headers()) {
      copy.add(e.getKey(), e.getValue());
    }
    String again = outcome(copy, r.nowMillis());
    if (!first.equals(again)) {
      throw new AssertionError("parsing the same headers twice differs:\n" + first + "\n" + again);
    }
    PutMediaHeaders h;
    try {
      h = PutMediaHeaders.parse(r.headers(), r.nowMillis());
    } catch (KvsException e) {
      return; // outcome() checked its type and message
    }
    checkStream(r.headers(), h);
    checkTimecodeType(r.headers(), h);
    checkStart(r.headers(), r.nowMillis(), h);
    for (long[] c : r.clusters()) {
      checkProducerTimestamp(h, c[0], c[1]);
    }
  }

  /** The parse result or the refusal, as text; anything but an InvalidArgumentException escapes. */
  private static String outcome(MultiMap headers, long now) {
    try {
      return PutMediaHeaders.parse(headers, now).toString();
    } catch (KvsException e) {
      if (e.error() != KvsError.INVALID_ARGUMENT) {
        throw new AssertionError("refused with " + e.error() + ", not INVALID_ARGUMENT: " + e.getMessage(), e);
      }
      if (e.getMessage() == null || e.getMessage().length() > MAX_MESSAGE) {
        throw new AssertionError("refusal message of " + (e.getMessage() == null ? "no" : e.getMessage().length())
            + " characters (at most " + MAX_MESSAGE + "): " + abbreviate(e.getMessage()), e);
      }
      return "refused: " + e.getMessage();
    }
  }

  private static void checkStream(MultiMap headers, PutMediaHeaders h) {
    String name = headers.get(PutMediaHeaders.STREAM_NAME);
    String arn = headers.get(PutMediaHeaders.STREAM_ARN);
    boolean hasName = name != null && !name.isEmpty();
    boolean hasArn = arn != null && !arn.isEmpty();
    if (hasName == hasArn) {
      throw new AssertionError("accepted with " + (hasName ? "both a stream name and an ARN" : "no stream"));
    }
    String streamName = h.stream().streamName();
    if (!StreamRules.isValidName(streamName)) {
      throw new AssertionError("accepted an invalid stream name: " + abbreviate(streamName));
    }
    if (hasName ? !name.equals(h.stream().name()) || h.stream().arn() != null
        : h.stream().arn() == null || !h.stream().arn().render().equals(arn)) {
      throw new AssertionError("the stream reference " + h.stream() + " is not the header it came from");
    }
  }

  private static void checkTimecodeType(MultiMap headers, PutMediaHeaders h) {
    String type = headers.get(PutMediaHeaders.TIMECODE_TYPE);
    TimecodeType expected = type == null || type.isEmpty() ? TimecodeType.RELATIVE : TimecodeType.valueOf(type.trim());
    if (h.timecodeType() != expected) {
      throw new AssertionError("timecode type " + h.timecodeType() + " from '" + abbreviate(type) + "'");
    }
  }

  private static void checkStart(MultiMap headers, long now, PutMediaHeaders h) {
    String start = headers.get(PutMediaHeaders.PRODUCER_START);
    long ms = h.producerStartMillis();
    if (start == null || start.isBlank()) {
      if (ms != now) {
        throw new AssertionError("without a start timestamp the start is " + ms + ", not the arrival time " + now);
      }
      return;
    }
    if (ms < 0 || ms > PutMediaHeaders.MAX_PRODUCER_MILLIS) {
      throw new AssertionError("accepted start timestamp '" + abbreviate(start) + "' as " + ms
          + " ms, outside [0, " + PutMediaHeaders.MAX_PRODUCER_MILLIS + "]");
    }
    // the same instant in the other accepted form reads the same
    String s = start.trim();
    String other;
    if (s.indexOf('T') > 0) {
      Instant i = Instant.parse(s);
      other = BigDecimal.valueOf(i.getEpochSecond()).add(BigDecimal.valueOf(i.getNano(), 9)).toPlainString();
    } else {
      // accepted, so between 0 and 2262: below a nanosecond it is the epoch, else its scale is small
      BigDecimal seconds = new BigDecimal(s);
      BigDecimal nanos = seconds.compareTo(BigDecimal.valueOf(1, 9)) < 0 ? BigDecimal.ZERO
          : seconds.movePointRight(9).setScale(0, RoundingMode.DOWN);
      BigDecimal[] qr = nanos.divideAndRemainder(BigDecimal.valueOf(1_000_000_000));
      other = Instant.ofEpochSecond(qr[0].longValueExact(), qr[1].longValueExact()).toString();
    }
    long otherMs = PutMediaHeaders.parse(with(headers, PutMediaHeaders.PRODUCER_START, other), now).producerStartMillis();
    if (otherMs != ms) {
      throw new AssertionError("'" + s + "' reads as " + ms + " ms but the same instant written '" + other
          + "' reads as " + otherMs);
    }
    // and what it read renders back to itself in both forms
    for (String rendered : List.of(Instant.ofEpochMilli(ms).toString(), BigDecimal.valueOf(ms, 3).toPlainString())) {
      long back = PutMediaHeaders.parse(with(headers, PutMediaHeaders.PRODUCER_START, rendered), now)
          .producerStartMillis();
      if (back != ms) {
        throw new AssertionError(ms + " ms rendered as '" + rendered + "' reads back as " + back);
      }
    }
  }

  private static MultiMap with(MultiMap headers, String name, String value) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    m.addAll(headers);
    m.set(name, value);
    return m;
  }

  /**
   * -1 exactly when the cluster's time does not fit in 64-bit nanoseconds (its frames cannot be
   * timed) or the exact timestamp is negative or beyond the maximum; the exact value otherwise.
   */
  static void checkProducerTimestamp(PutMediaHeaders h, long timecode, long scaleNs) {
    BigInteger nanos = BigInteger.valueOf(timecode).multiply(BigInteger.valueOf(scaleNs));
    BigInteger exact = nanos.divide(MILLION);
    if (h.timecodeType() == TimecodeType.RELATIVE) {
      exact = exact.add(BigInteger.valueOf(h.producerStartMillis()));
    }
    long expected = nanos.bitLength() > 63 || exact.signum() < 0
        || exact.compareTo(BigInteger.valueOf(PutMediaHeaders.MAX_PRODUCER_MILLIS)) > 0 ? -1 : exact.longValueExact();
    long got = h.producerTimestampMillis(timecode, scaleNs);
    if (got != expected) {
      throw new AssertionError("producer timestamp of cluster timecode " + timecode + " at scale " + scaleNs
          + " ns (" + h.timecodeType() + ", start " + h.producerStartMillis() + "): " + got + ", expected "
          + expected);
    }
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
