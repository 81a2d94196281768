package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-stream PutMedia call rate (docs/wire-protocol.md §6: 5 per second per stream) on a clock moved by hand. */
class CallRateTest {
  private final AtomicLong clock = new AtomicLong(7_000_000_000L);
  private final CallRate rate = new CallRate(5, clock::get);

  private List<Boolean> calls(String stream, int n) {
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(rate.tryCall(stream));
    }
    return out;
  }

  @Test
  void aBurstOfOneSecondsCallsPassesThenCallsWaitForTheRefill() {
    assertEquals(List.of(true, true, true, true, true, false, false), calls("s", 7));
    clock.addAndGet(199_000_000L);
    assertFalse(rate.tryCall("s"), "less than a fifth of a second: no call earned yet");
    clock.addAndGet(1_000_000L);
    assertTrue(rate.tryCall("s"));
    assertFalse(rate.tryCall("s"));
    clock.addAndGet(10_000_000_000L);
    assertEquals(List.of(true, true, true, true, true, false), calls("s", 6), "the bucket holds one second at most");
  }

  @Test
  void streamsHaveTheirOwnBuckets() {
    assertEquals(List.of(true, true, true, true, true, false), calls("a", 6));
    assertEquals(List.of(true, true, true, true, true, false), calls("b", 6));
    rate.forget("a");
    assertTrue(rate.tryCall("a"), "a deleted stream's calls are forgotten");
  }

  @Test
  void refusedCallsTakeNothing() {
    calls("s", 5);
    for (int i = 0; i < 100; i++) {
      assertFalse(rate.tryCall("s"));
    }
    clock.addAndGet(200_000_000L);
    assertTrue(rate.tryCall("s"), "a client retrying at once does not push its next call further away");
  }
}
