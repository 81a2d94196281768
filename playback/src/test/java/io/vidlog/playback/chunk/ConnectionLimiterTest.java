package io.vidlog.playback.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {

  @Test
  void countsPerStreamAndFreesSlots() {
    ConnectionLimiter limiter = new ConnectionLimiter(3);
    assertTrue(limiter.tryAcquire("a"));
    assertTrue(limiter.tryAcquire("a"));
    assertTrue(limiter.tryAcquire("a"));
    assertFalse(limiter.tryAcquire("a"));
    assertTrue(limiter.tryAcquire("b"), "another stream has its own slots");
    limiter.release("a");
    assertEquals(2, limiter.open("a"));
    assertTrue(limiter.tryAcquire("a"));
    for (int i = 0; i < 3; i++) {
      limiter.release("a");
    }
    assertEquals(0, limiter.open("a"));
  }

}
