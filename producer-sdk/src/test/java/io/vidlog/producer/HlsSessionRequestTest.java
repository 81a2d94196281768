package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The members each PlaybackMode needs (docs/wire-protocol.md §3.5), checked before a request is sent. */
class HlsSessionRequestTest {
  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void eachModeTakesTheRangeItNeeds() {
    assertEquals(PlaybackMode.LIVE, HlsSessionRequest.live("s").mode());
    assertEquals(T.plusSeconds(60), HlsSessionRequest.liveReplay("s", null, T).withEnd(T.plusSeconds(60)).end());
    assertEquals(Duration.ofHours(12), HlsSessionRequest.onDemand("s", TimestampType.PRODUCER_TIMESTAMP, T,
        T.plusSeconds(1)).withExpires(Duration.ofHours(12)).expires());
  }

  @Test
  void rangesThatDoNotFitTheModeAreRefusedNamingWhy() {
    assertMessage("a LIVE session has no time range", () -> new HlsSessionRequest("s", PlaybackMode.LIVE, null, T,
        null, null, null));
    assertMessage("a LIVE_REPLAY session needs a start", () -> HlsSessionRequest.liveReplay("s", null, null));
    assertMessage("an ON_DEMAND session needs an end", () -> HlsSessionRequest.onDemand("s", null, T, null));
    assertMessage("is not after its start", () -> HlsSessionRequest.onDemand("s", null, T, T));
  }

  @Test
  void expiryOutsideWhatTheServiceAcceptsIsRefused() {
    HlsSessionRequest live = HlsSessionRequest.live("s");
    assertMessage("want whole seconds from 300 to 43200", () -> live.withExpires(Duration.ofSeconds(299)));
    assertMessage("want whole seconds from 300 to 43200", () -> live.withExpires(Duration.ofSeconds(43201)));
    assertMessage("want whole seconds from 300 to 43200", () -> live.withExpires(Duration.ofMillis(300_500)));
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    org.junit.jupiter.api.Assertions.assertTrue(x.getMessage().contains(part), x.getMessage());
  }
}
