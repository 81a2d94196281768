package io.vidlog.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReaderCheckTest {
  private static final List<String> ACKED = List.of("1", "2", "3", "4", "5", "6");

  @Test
  void aRunOfConsecutiveAckedFragmentsIsIntact() {
    ReaderCheck c = ReaderCheck.of(List.of("2", "3", "4"), List.of(20, 20, 20), ACKED, 6, 20);
    assertTrue(c.intact());
    assertEquals(3, c.received());
    assertEquals(2, c.behind());
  }

  @Test
  void aSkippedFragmentIsAGap() {
    ReaderCheck c = ReaderCheck.of(List.of("2", "3", "5"), List.of(20, 20, 20), ACKED, 6, 20);
    assertEquals(1, c.gaps());
    assertFalse(c.intact());
  }

  @Test
  void aRepeatedFragmentIsAGap() {
    ReaderCheck c = ReaderCheck.of(List.of("2", "3", "3", "4"), List.of(20, 20, 20, 20), ACKED, 6, 20);
    assertEquals(1, c.gaps());
  }

  @Test
  void aFragmentNeverAckedAndAFragmentShortOfFramesAreCounted() {
    ReaderCheck c = ReaderCheck.of(List.of("2", "9", "3"), List.of(20, 20, 19), ACKED, 6, 20);
    assertEquals(1, c.unacked());
    assertEquals(1, c.shortFragments());
    assertFalse(c.intact());
  }

  @Test
  void fragmentsReceivedBeforeTheirAckAreNotBehind() {
    ReaderCheck c = ReaderCheck.of(List.of("5", "6"), List.of(20, 20), ACKED, 4, 20);
    assertEquals(0, c.behind());
    assertTrue(c.intact());
  }
}
