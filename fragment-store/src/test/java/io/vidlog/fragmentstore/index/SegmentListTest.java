package io.vidlog.fragmentstore.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmentListTest {

  private static NumberKey key(long i) {
    return NumberKey.of(StreamIndexTest.num(i));
  }

  private static SegmentSketch sketch(int n, long server, long... producer) {
    return new SegmentSketch(n, server, server + 10, producer);
  }

  @Test
  void viewsStayAsTheyWereWhileTheListGrowsAndShrinks() {
    SegmentList a = SegmentList.EMPTY;
    List<SegmentList> views = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      a = a.with(key(10 * i), key(10 * i + 9), sketch(10, 100 * i, 100 * i, 100 * i + 5));
      views.add(a);
    }
    SegmentList dropped = a.dropFirst(25);
    SegmentList grown = dropped;
    for (int i = 40; i < 100; i++) {
      grown = grown.with(key(10 * i), key(10 * i + 9), sketch(10, 100 * i, 100 * i, 100 * i + 5));
    }
    for (int v = 0; v < views.size(); v++) {
      SegmentList view = views.get(v);
      assertEquals(v + 1, view.size());
      for (int i = view.start(); i < view.end(); i++) {
        assertEquals(key(10 * i + 9), view.last(i), "view " + v + " position " + i);
      }
    }
    assertEquals(75, grown.size());
    assertEquals(key(250), grown.first(grown.start()));
    assertEquals(key(999), grown.lastNumber());
    assertEquals(sketch(10, 9_900, 9_900, 9_905), grown.sketch(grown.end() - 1));
  }

  @Test
  void appendingFromAnOlderViewCopiesInsteadOfOverwriting() {
    SegmentList one = SegmentList.EMPTY.with(key(0), key(9), sketch(10, 0));
    SegmentList two = one.with(key(10), key(19), sketch(10, 100));
    SegmentList other = one.with(key(10), key(15), sketch(6, 100)); // not the newest view
    assertEquals(key(19), two.lastNumber());
    assertEquals(key(15), other.lastNumber());
    assertThrows(IllegalArgumentException.class, () -> two.with(key(12), key(19), sketch(1, 0)));
  }

  @Test
  void binarySearchesByLastNumber() {
    SegmentList s = SegmentList.EMPTY;
    for (int i = 0; i < 10; i++) {
      s = s.with(key(10 * i), key(10 * i + 9), sketch(10, 0));
    }
    s = s.dropFirst(2);
    NumberKey k35 = key(35);
    assertEquals(3, s.firstEndingAtOrAfter(k35.hi(), k35.lo()));
    NumberKey k39 = key(39);
    assertEquals(3, s.firstEndingAtOrAfter(k39.hi(), k39.lo()));
    assertEquals(4, s.firstEndingAfter(k39.hi(), k39.lo()));
    NumberKey k5 = key(5);
    assertEquals(2, s.firstEndingAtOrAfter(k5.hi(), k5.lo()), "never before the view's start");
    NumberKey k200 = key(200);
    assertEquals(s.end(), s.firstEndingAfter(k200.hi(), k200.lo()));
    assertEquals(3, s.countEndingAtOrBefore(key(49)), "segments 2, 3 and 4");
    assertEquals(key(29), s.exclusiveLowerBound(3, null));
    assertEquals(key(17), s.exclusiveLowerBound(2, key(17)));
  }

  @Test
  void sketchesSayWhichTimesASegmentMayHold() {
    SegmentList s = SegmentList.EMPTY.with(key(0), key(9), new SegmentSketch(10, 1_000, 2_000,
        new long[] {10, 20, 500, 500, 900, 950}));
    s = s.with(key(10), key(10), SegmentSketch.EMPTY);
    assertTrue(s.mayHold(0, TimestampKind.PRODUCER, 15, 16));
    assertTrue(s.mayHold(0, TimestampKind.PRODUCER, 400, 500));
    assertFalse(s.mayHold(0, TimestampKind.PRODUCER, 21, 499));
    assertFalse(s.mayHold(0, TimestampKind.PRODUCER, 951, Long.MAX_VALUE));
    assertTrue(s.mayHold(0, TimestampKind.SERVER, 2_000, 5_000));
    assertFalse(s.mayHold(0, TimestampKind.SERVER, 2_001, 5_000));
    assertFalse(s.mayHold(1, TimestampKind.SERVER, Long.MIN_VALUE, Long.MAX_VALUE), "an empty segment holds nothing");
    assertEquals(500, s.lowestFrom(0, TimestampKind.PRODUCER, 21));
    assertEquals(15, s.lowestFrom(0, TimestampKind.PRODUCER, 15));
    assertEquals(20, s.highestTo(0, TimestampKind.PRODUCER, 499));
    assertEquals(1_000, s.lowestFrom(0, TimestampKind.SERVER, 0));
    assertEquals(2_000, s.highestTo(0, TimestampKind.SERVER, Long.MAX_VALUE));
  }

  @Test
  void thePersistedFormRoundTrips() {
    Random rnd = new Random(5);
    SegmentList s = SegmentList.EMPTY;
    for (int i = 0; i < 300; i++) {
      int k = rnd.nextInt(SegmentSketch.MAX_INTERVALS + 1);
      long[] p = new long[2 * k];
      long t = rnd.nextInt(3) == 0 ? Long.MIN_VALUE + rnd.nextInt(10) : rnd.nextLong() / 4;
      for (int j = 0; j < 2 * k; j++) {
        t += rnd.nextInt(1 << 20);
        p[j] = t;
      }
      SegmentSketch sk = k == 0 ? SegmentSketch.EMPTY
          : new SegmentSketch(rnd.nextInt(5_000), rnd.nextLong(), rnd.nextLong(), p);
      s = s.with(key(10 * i), key(10 * i + 9), sk);
    }
    s = s.dropFirst(7);
    SegmentList back = SegmentList.decode(s.encode());
    assertEquals(s.size(), back.size());
    for (int i = 0; i < s.size(); i++) {
      assertEquals(s.first(s.start() + i), back.first(back.start() + i));
      assertEquals(s.last(s.start() + i), back.last(back.start() + i));
      assertEquals(s.sketch(s.start() + i), back.sketch(back.start() + i));
    }
    byte[] body = s.encode();
    assertThrows(IllegalArgumentException.class, () -> SegmentList.decode(java.util.Arrays.copyOf(body, 40)));
  }

  @Test
  void coverLeavesOutTheLargestGaps() {
    assertArrayEquals(new long[0], SegmentSketch.cover(new long[0], 4));
    assertArrayEquals(new long[] {5, 5}, SegmentSketch.cover(new long[] {5, 5, 5}, 4));
    assertArrayEquals(new long[] {1, 3, 100, 102, 1_000, 1_000},
        SegmentSketch.cover(new long[] {1, 2, 3, 100, 101, 102, 1_000}, 3));
    // with a fourth interval to spare, the first of the equal smallest gaps is left out too
    assertArrayEquals(new long[] {1, 1, 2, 3, 100, 102, 1_000, 1_000},
        SegmentSketch.cover(new long[] {1, 2, 3, 100, 101, 102, 1_000}, 4));
    assertArrayEquals(new long[] {1, 3, 100, 102, 500, 501, 1_000, 1_000},
        SegmentSketch.cover(new long[] {1, 2, 3, 100, 101, 102, 500, 501, 1_000}, 4));
    // five clusters into four intervals: the smallest gap (3 .. 10) is bridged
    assertArrayEquals(new long[] {1, 10, 100, 100, 500, 500, 1_000, 1_000},
        SegmentSketch.cover(new long[] {1, 3, 10, 100, 500, 1_000}, 4));
    // gaps beyond a signed long: MIN .. 0 is 2^63, 0 .. MAX one less
    assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MIN_VALUE, 0, Long.MAX_VALUE},
        SegmentSketch.cover(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 2));
  }

  @Test
  void aSegmentsSketchCoversEveryEntry() {
    List<FragmentRecord> rs = StreamIndexTest.scenario(1_000, 8);
    StreamIndex ix = new StreamIndex("s");
    rs.forEach(ix::append);
    SegmentSketch sk = ix.sketch(SegmentSketch.MAX_INTERVALS);
    SegmentList s = SegmentList.EMPTY.with(NumberKey.of(rs.get(0).number()), NumberKey.of(rs.get(999).number()), sk);
    assertEquals(1_000, sk.count());
    for (FragmentRecord r : rs) {
      long p = r.producerTimestampMillis();
      long t = r.serverTimestampMillis();
      assertTrue(s.mayHold(0, TimestampKind.PRODUCER, p, p), "producer " + p);
      assertTrue(s.mayHold(0, TimestampKind.SERVER, t, t), "server " + t);
    }
  }

  /** Numbers of other widths and hi parts are written whole; minted ones cost about 30 bytes a segment. */
  @Test
  void thePersistedFormIsCompactAndKeepsNumbersOfAnyWidth() {
    SegmentList s = SegmentList.EMPTY;
    String[][] odd = {{"7", "9"}, {"0042", "0099"}, {"999999999999999999", "1000000000000000001"}};
    for (String[] pair : odd) {
      s = s.with(NumberKey.of(io.vidlog.fragmentstore.FragmentNumber.parse(pair[0])),
          NumberKey.of(io.vidlog.fragmentstore.FragmentNumber.parse(pair[1])), sketch(2, 5));
    }
    SegmentList minted = SegmentList.EMPTY;
    for (int i = 0; i < 1_000; i++) {
      minted = minted.with(key(1_000L * i), key(1_000L * i + 999), new SegmentSketch(1_000,
          StreamIndexTest.T0 + i * 2_000_000L, StreamIndexTest.T0 + i * 2_000_000L + 1_998_000,
          new long[] {StreamIndexTest.T0 + i * 2_000_000L - 1_500, StreamIndexTest.T0 + i * 2_000_000L + 1_996_500}));
      s = s.with(key(1_000L * i + 10_000_000), key(1_000L * i + 10_000_999), sketch(1, 1));
    }
    SegmentList back = SegmentList.decode(s.encode());
    for (int i = 0; i < s.size(); i++) {
      assertEquals(s.first(i), back.first(i));
      assertEquals(s.last(i), back.last(i));
      assertEquals(s.first(i).render(), back.first(i).render());
    }
    int bytes = minted.encode().length;
    assertTrue(bytes <= 32 * 1_000, "summary bytes per segment: " + bytes / 1_000.0);
  }
}
