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
 * @param producerStartMillis the producer start timestamp in epoch milliseconds
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

  /** Epoch seconds with an optional fraction, or an ISO-8601 instant, to epoch milliseconds. */
  static long parseTimestamp(String s) {
    if (s.length() > 64) {
      throw KvsError.INVALID_ARGUMENT.exception(PRODUCER_START + " is too long");
    }
    try {
      if (s.indexOf('T') > 0) {
        return Instant.parse(s).toEpochMilli();
      }
      BigDecimal seconds = new BigDecimal(s);
      if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1000)) > 0) {
        throw KvsError.INVALID_ARGUMENT.exception(PRODUCER_START + " out of range: '" + s + "'");
      }
      return seconds.movePointRight(3).longValue();
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw KvsError.INVALID_ARGUMENT.exception(PRODUCER_START + " must be epoch seconds or ISO-8601, not '"
          + abbreviate(s) + "'");
    }
  }

  /** Largest producer timestamp accepted: its frames must still fit in 64-bit nanoseconds (year 2262). */
  static final long MAX_PRODUCER_MILLIS = Long.MAX_VALUE / 1_000_000L;

  /**
   * The fragment's producer timestamp in ms (docs/wire-protocol.md §1.2); -1 when it is negative or beyond
   * {@link #MAX_PRODUCER_MILLIS} (the caller answers 4007).
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
