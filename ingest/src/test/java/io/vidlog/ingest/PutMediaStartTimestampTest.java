package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code x-amzn-producer-start-timestamp} (docs/wire-protocol.md §1.1) is accepted from 1970 to 2262 in both
 * forms, and one instant reads the same whichever form it is written in. Found by
 * {@link PutMediaHeadersFuzzTest} ({@code finding-start-after-2262}).
 */
class PutMediaStartTimestampTest {

  private static long start(String value) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap().add(PutMediaHeaders.STREAM_NAME, "cam")
        .add(PutMediaHeaders.PRODUCER_START, value);
    return PutMediaHeaders.parse(h, 0).producerStartMillis();
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854.775", "9223372036.855", "2262-04-11T23:47:16.855Z", "+10000-01-01T00:00:00Z",
      "-1", "-0.0001", "1969-12-31T23:59:59Z", "1969-12-31T23:59:59.9999Z", "1e999999999"})
  void aStartBefore1970OrAfter2262IsRefused(String value) {
    KvsException e = assertThrows(KvsException.class, () -> start(value));
    assertEquals(KvsError.INVALID_ARGUMENT, e.error());
    assertTrue(e.getMessage().contains("between 1970 and 2262"), e.getMessage());
  }

  @Test
  void theEdgesAreAccepted() {
    assertEquals(PutMediaHeaders.MAX_PRODUCER_MILLIS, start("9223372036.854"));
    assertEquals(PutMediaHeaders.MAX_PRODUCER_MILLIS, start("2262-04-11T23:47:16.854999Z"));
    assertEquals(0, start("0"));
    assertEquals(0, start("1970-01-01T00:00:00Z"));
    assertEquals(0, start("1e-999999999"));
  }

  @Test
  void oneInstantReadsTheSameInEitherForm() {
    long expected = Instant.parse("2020-08-18T06:07:06.769Z").toEpochMilli();
    assertEquals(expected, start("1597730826.7699"));
    assertEquals(expected, start("2020-08-18T06:07:06.7699Z"));
    assertEquals(expected, start("1.5977308267699e9"));
  }
}
