package io.vidlog.playback.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.playback.testing.TestChunks;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which fragments make a clip and where each lies on its clock (docs/wire-protocol.md §3.3). */
class ClipSelectionTest {

  static FragmentRecord r(long number, long producerMs, long durationMs) {
    return new FragmentRecord(TestChunks.number(number), 1_000_000 + number, producerMs, durationMs, 100, 1, false);
  }

  static List<Long> numbers(ClipSelection s) {
    return s.fragments().stream().map(f -> Long.parseLong(f.number().value())).toList();
  }

  static ClipSelection select(TimestampKind kind, int max, FragmentRecord... in) {
    ClipSelection s = new ClipSelection(kind, max);
    for (FragmentRecord x : in) {
      if (!s.add(x)) {
        break;
      }
    }
    return s;
  }

  @Test
  void theEarliestIngestedOfTwoFragmentsWithOneProducerTimestampStays() {
    // index order: by producer timestamp, then number
    assertEquals(List.of(1L, 2L, 3L), numbers(select(TimestampKind.PRODUCER, 10,
        r(1, 0, 2000), r(2, 2000, 2000), r(7, 2000, 2000), r(3, 4000, 2000))));
    // a resent collection with slightly different times: each copy overlaps its original by most of it
    assertEquals(List.of(1L, 2L, 3L), numbers(select(TimestampKind.PRODUCER, 10,
        r(1, 0, 2000), r(8, 300, 2000), r(2, 2000, 2000), r(9, 2300, 2000), r(3, 4000, 2000))));
    // ... whichever of the two comes first in the index
    assertEquals(List.of(1L, 2L), numbers(select(TimestampKind.PRODUCER, 10,
        r(8, 0, 2000), r(1, 200, 2000), r(2, 2000, 2000))));
  }

  @Test
  void neighboursThatOverlapByAFewFramesBothStay() {
    // audio leading video across a cut: 21 ms of overlap
    assertEquals(List.of(1L, 2L), numbers(select(TimestampKind.PRODUCER, 10, r(1, 0, 2021), r(2, 2000, 2000))));
  }

  @Test
  void serverTimestampsHaveNoDuplicates() {
    assertEquals(List.of(1L, 7L), numbers(select(TimestampKind.SERVER, 10, r(1, 2000, 2000), r(7, 2000, 2000))));
  }

  @Test
  void theLimitClosesTheSelectionOnlyOnceTheNextFragmentCannotReplaceTheLast() {
    ClipSelection s = new ClipSelection(TimestampKind.PRODUCER, 2);
    assertTrue(s.add(r(1, 0, 2000)));
    assertTrue(s.add(r(3, 2000, 2000)));
    assertTrue(s.add(r(2, 2000, 2000)), "a duplicate of the last one may still replace it");
    assertFalse(s.add(r(4, 4000, 2000)));
    assertEquals(List.of(1L, 2L), numbers(s));
  }

  @Test
  void fragmentsSitAtTheirProducerTimeWithBackwardJumpsAndLongGapsTakenOut() {
    long[] at = select(TimestampKind.SERVER, 10, r(1, 10_000, 2000), r(2, 12_000, 2000), r(3, 20_000, 2000),
        r(4, 1_000, 2000), r(5, 3_000, 2000), r(6, 3_000 + 7_200_000, 2000)).clusterPositionsNs();
    long ms = 1_000_000;
    assertArrayEquals(new long[] {0, 2000 * ms, 10_000 * ms,
        12_000 * ms, // the producer clock went back 19 s: placed after the previous fragment
        14_000 * ms, // and on from there
        16_000 * ms + ClipSelection.MAX_GAP_MILLIS * ms}, at);
  }
}
