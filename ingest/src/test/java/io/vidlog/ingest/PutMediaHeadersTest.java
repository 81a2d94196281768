package io.vidlog.ingest;

import io.vidlog.kvs.AckError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.MultiMap;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import org.junit.jupiter.api.Test;

/** PutMedia request headers (docs/wire-protocol.md §1.1) and the ack line format (§1.3). */
class PutMediaHeadersTest {

  private static MultiMap headers(String... kv) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < kv.length; i += 2) {
      m.add(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void acceptsEpochSecondsAndIso8601StartTimestamps() {
    PutMediaHeaders cpp = PutMediaHeaders.parse(headers("x-amzn-stream-name", "cam",
        "x-amzn-fragment-timecode-type", "RELATIVE", "x-amzn-producer-start-timestamp", "1597730826.769"), 5);
    assertEquals(1_597_730_826_769L, cpp.producerStartMillis());
    assertEquals(TimecodeType.RELATIVE, cpp.timecodeType());
    PutMediaHeaders v1 = PutMediaHeaders.parse(headers("X-Amzn-Stream-Name", "cam",
        "x-amzn-fragment-timecode-type", "ABSOLUTE", "x-amzn-producer-start-timestamp", "2026-11-22T00:31:38.033Z"), 5);
    assertEquals(java.time.Instant.parse("2026-11-22T00:31:38.033Z").toEpochMilli(), v1.producerStartMillis());
    assertEquals(TimecodeType.ABSOLUTE, v1.timecodeType());
    PutMediaHeaders go = PutMediaHeaders.parse(headers("x-amzn-stream-name", "cam",
        "x-amzn-producer-start-timestamp", "0", "x-amzn-fragment-acknowledgment-required", "0"), 5);
    assertEquals(0, go.producerStartMillis());
    assertFalse(go.ackRequired());
    assertEquals(5, PutMediaHeaders.parse(headers("x-amzn-stream-name", "cam"), 5).producerStartMillis());
  }

  @Test
  void refusesBadHeaders() {
    assertInvalid(headers());
    assertInvalid(headers("x-amzn-stream-name", "a", "x-amzn-stream-arn", "arn:aws:kinesisvideo:r:1:stream/a/1"));
    assertInvalid(headers("x-amzn-stream-name", "a", "x-amzn-fragment-timecode-type", "SOMETIMES"));
    assertInvalid(headers("x-amzn-stream-name", "a", "x-amzn-producer-start-timestamp", "yesterday"));
    assertInvalid(headers("x-amzn-stream-name", "a", "x-amzn-producer-start-timestamp", "-1"));
  }

  private static void assertInvalid(MultiMap h) {
    KvsException e = assertThrows(KvsException.class, () -> PutMediaHeaders.parse(h, 0));
    assertEquals(KvsError.INVALID_ARGUMENT, e.error());
  }

  @Test
  void authorisesArnsByTheirStreamName() {
    PutMediaHeaders h = PutMediaHeaders.parse(headers("x-amzn-stream-arn",
        "arn:aws:kinesisvideo:us-west-2:123456789012:stream/my-cam/1600000000000"), 0);
    assertEquals("my-cam", h.stream().streamName());
  }

  @Test
  void producerTimestampFollowsTimecodeScale() {
    PutMediaHeaders rel = PutMediaHeaders.parse(headers("x-amzn-stream-name", "a",
        "x-amzn-fragment-timecode-type", "RELATIVE", "x-amzn-producer-start-timestamp", "100"), 0);
    assertEquals(100_000 + 2_500, rel.producerTimestampMillis(25_000, 100_000)); // 100 µs scale
    assertEquals(-1, rel.producerTimestampMillis(Long.MAX_VALUE, 1_000_000));
  }

  @Test
  void ackLinesAreFlatJson() {
    FragmentNumber n = new FragmentNumber("91343852333181432392682062607743920146159169392");
    assertEquals("{\"EventType\":\"PERSISTED\",\"FragmentTimecode\":1597730826769,\"FragmentNumber\":\""
        + n.value() + "\"}\n", AckEvent.of(AckEvent.Type.PERSISTED, 1597730826769L, n).toLine());
    assertEquals("{\"EventType\":\"ERROR\",\"FragmentTimecode\":0,\"FragmentNumber\":\"1\",\"ErrorId\":4002,"
        + "\"ErrorCode\":\"MAX_FRAGMENT_DURATION_REACHED\"}\n",
        AckEvent.error(AckError.MAX_FRAGMENT_DURATION_REACHED, 0L, new FragmentNumber("1")).toLine());
    assertEquals("{\"EventType\":\"IDLE\"}\n", AckEvent.idle().toLine());
  }
}
