package io.vidlog.ingest;

import io.vertx.core.MultiMap;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.StreamRef;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The request headers of PutMedia (docs/wire-protocol.md §1.1), validated before the 200 is sent.
 *
 * <p>vidlog is lenient where producers disagree: a missing timecode type means RELATIVE (ffmpeg and
 * other plain HTTP producers send none), and a missing producer start timestamp means the moment the
 * connection arrived, so such producers still get wall-clock producer timestamps. The start timestamp
 * is accepted as epoch seconds ({@code 1597730826.769}, C/C++ SDKs) or ISO-8601
 * ({@code 2026-11-22T00:31:38.033Z}, the AWS SDK v1 Java client).
 *
 * @param stream the stream by name or ARN (exactly one)
 * @param producerStartMillis the producer start timestamp in epoch milliseconds, 0 (1970) to
 *     {@link #MAX_PRODUCER_MILLIS} (2262)
 * @param ackRequired {@code x-amzn-fragment-acknowledgment-required}; vidlog acks either way
 */
public record PutMediaHeaders(StreamRef stream, TimecodeType timecodeType, long producerStartMillis,
    boolean ackRequired) {

  public static final String STREAM_NAME = "x-amzn-stream-name";
  public static final String STREAM_ARN = "x-amzn-stream-arn";
  public static final String TIMECODE_TYPE = "x-amzn-fragment-timecode-type";
  public static final String PRODUCER_START = "x-amzn-producer-start-timestamp";
  public static final String ACK_REQUIRED = "x-amzn-fragment-acknowledgment-required";

  /** @throws io.vidlog.kvs.KvsException InvalidArgument naming the bad header */
  public static PutMediaHeaders parse(MultiMap headers, long nowMillis) {
    StreamRef ref = StreamRef.of(headers.get(STREAM_NAME), headers.get(STREAM_ARN));
    String type = headers.get(TIMECODE_TYPE);
    TimecodeType timecodeType;
    if (type == null || type.isEmpty()) {
      timecodeType = TimecodeType.RELATIVE;
    } else {
      try {
        timecodeType = TimecodeType.valueOf(type.trim());
      } catch (IllegalArgumentException e) {
        throw KvsError.INVALID_ARGUMENT.exception(TIMECODE_TYPE + " must be ABSOLUTE or RELATIVE, not '"
            + abbreviate(type) + "'");
      }
    }
    String start = headers.get(PRODUCER_START);
    long startMillis = start == null || start.isBlank() ? nowMillis : parseTimestamp(start.trim());
    String ack = headers.get(ACK_REQUIRED);
    boolean ackRequired = ack == null || !(ack.trim().equals("0") || ack.trim().equalsIgnoreCase("false"));
    return new PutMediaHeaders(ref, timecodeType, startMillis, ackRequired);
  }

  /** Largest producer timestamp accepted: its frames must still fit in 64-bit nanoseconds (year 2262). */
  static final long MAX_PRODUCER_MILLIS = Long.MAX_VALUE / 1_000_000L;
  private static final BigDecimal MAX_PRODUCER_SECONDS = BigDecimal.valueOf(MAX_PRODUCER_MILLIS / 1000 + 1);

  /**
   * Epoch seconds with an optional fraction, or an ISO-8601 instant, to epoch milliseconds (truncated)
   * in {@code [0, MAX_PRODUCER_MILLIS]}: both forms are read as one exact number of seconds, so an
   * instant reads the same whichever way it is written, and a start before 1970 or after 2262 is
   * refused here rather than failing every fragment with 4007.
   */
  static long parseTimestamp(String s) {
    if (s.length() > 64) {
      throw KvsError.INVALID_ARGUMENT.exception(PRODUCER_START + " is too long");
    }
    BigDecimal seconds;
    try {
      if (s.indexOf('T') > 0) {
        Instant i = Instant.parse(s);
        seconds = BigDecimal.valueOf(i.getEpochSecond()).add(BigDecimal.valueOf(i.getNano(), 9));
      } else {
        seconds = new BigDecimal(s);
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw KvsError.INVALID_ARGUMENT.exception(PRODUCER_START + " must be epoch seconds or ISO-8601, not '"
          + abbreviate(s) + "'");
    }
    // checked before any conversion: "1e999999999" must not be scaled
    long millis = seconds.signum() < 0 || seconds.compareTo(MAX_PRODUCER_SECONDS) > 0 ? -1
        : seconds.movePointRight(3).longValue();
    if (millis < 0 || millis > MAX_PRODUCER_MILLIS) {
      throw KvsError.INVALID_ARGUMENT.exception(PRODUCER_START + " must lie between 1970 and 2262 (epoch seconds 0 to "
          + BigDecimal.valueOf(MAX_PRODUCER_MILLIS, 3) + "), not '" + abbreviate(s) + "'");
    }
    return millis;
  }

  /**
   * The fragment's producer timestamp in ms (docs/wire-protocol.md §1.2) from a cluster's Timecode and the
   * TimecodeScale (both unsigned, as the MKV reader reads them); -1 when it is negative or beyond
   * {@link #MAX_PRODUCER_MILLIS}, or when the cluster's time does not fit in 64-bit nanoseconds (the
   * caller answers 4007).
   */
  public long producerTimestampMillis(long clusterTimecode, long timecodeScaleNs) {
    try {
      long ms = Math.multiplyExact(clusterTimecode, timecodeScaleNs) / 1_000_000L;
      if (timecodeType == TimecodeType.RELATIVE) {
        ms = Math.addExact(producerStartMillis, ms);
      }
      return ms < 0 || ms > MAX_PRODUCER_MILLIS ? -1 : ms;
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
