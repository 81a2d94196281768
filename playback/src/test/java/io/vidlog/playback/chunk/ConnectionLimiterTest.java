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

  @Test
  void streamNameIsReadFromAnArn() {
    assertEquals("cam-1", StreamLookup.nameInArn("arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-1/1700000000000"));
    assertEquals("a.b_c", StreamLookup.nameInArn("arn:aws:kinesisvideo:eu-west-1:1:stream/a.b_c/1"));
    assertNull(StreamLookup.nameInArn("arn:aws:kinesisvideo:us-east-1:1:channel/x/1"));
    assertNull(StreamLookup.nameInArn("arn:aws:kinesisvideo:us-east-1:1:stream/"));
  }
}
