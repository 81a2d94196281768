package io.vidlog.fragmentstore.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex.Page;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class StreamIndexTest {
  static final long T0 = 1_763_770_000_000L;

  static FragmentNumber num(long i) {
    return FragmentNumbers.encode(new FragmentNumbers.Parts(T0 + i * 1000, 7, (int) (i % 1000)));
  }

  static FragmentRecord rec(long i, long server, long producer, long duration) {
    return new FragmentRecord(num(i), server, producer, duration, 1000 + i, (int) (i % 3) + 1, i % 5 == 0);
  }

  /**
   * n fragments with server time 2 s apart and producer timestamps that are mostly in order but
   * jump back (replays, offline uploads) and repeat (duplicates).
   */
  static List<FragmentRecord> scenario(int n, long seed) {
    Random rnd = new Random(seed);
    List<FragmentRecord> out = new ArrayList<>();
    long producer = 1_000_000;
    for (int i = 0; i < n; i++) {
      int r = rnd.nextInt(100);
      if (r < 10) {
        producer -= rnd.nextInt(200_000); // clock jump back / replay
      } else if (r < 20) {
        // duplicate producer timestamp: same as before
      } else if (r < 25) {
        producer = rnd.nextInt(2_000_000); // offline upload from anywhere
      } else {
        producer += 2_000;
      }
      out.add(rec(i, T0 + i * 2_000L, producer, 2_000));
    }
    return out;
  }

  static StreamIndex indexOf(List<FragmentRecord> records) {
    StreamIndex ix = new StreamIndex("s");
    records.forEach(ix::append);
    return ix;
  }

  static long ts(FragmentRecord r, TimestampKind k) {
    return k == TimestampKind.SERVER ? r.serverTimestampMillis() : r.producerTimestampMillis();
  }

  /** What a range query must return, all pages together, in (timestamp, number) order. */
  static List<FragmentRecord> oracle(List<FragmentRecord> all, TimestampKind k, long from, long to) {
    return all.stream().filter(r -> ts(r, k) >= from && ts(r, k) <= to)
        .sorted(Comparator.<FragmentRecord>comparingLong(r -> ts(r, k)).thenComparing(FragmentRecord::number))
        .toList();
  }

  static List<FragmentRecord> allPages(StreamIndex ix, TimestampKind k, long from, long to, int max) {
    List<FragmentRecord> out = new ArrayList<>();
    String token = null;
    do {
      Page p = ix.range(k, from, to, max, token == null ? null : PageToken.decode(token, k));
      assertTrue(p.records().size() <= max);
      out.addAll(p.records());
      token = p.nextToken();
      if (token != null) {
        assertTrue(token.matches("[a-zA-Z0-9+/]+={0,2}"), token);
        assertEquals(max, p.records().size(), "only full pages have a next token");
      }
    } while (token != null);
    return out;
  }

  @Test
  void lookupsByNumber() {
    List<FragmentRecord> all = scenario(3_000, 1);
    StreamIndex ix = indexOf(all);
    assertEquals(all.get(0), ix.earliest());
    assertEquals(all.get(2_999), ix.latest());
    assertEquals(all, ix.records());
    for (int i : new int[] {0, 1, 1_234, 2_999}) {
      assertEquals(all.get(i), ix.get(all.get(i).number()));
      assertEquals(i + 1 < all.size() ? all.get(i + 1) : null, ix.next(all.get(i).number()));
    }
    assertEquals(all.get(0), ix.next(null));
    assertEquals(all.get(0), ix.next(FragmentNumber.parse("5")));
    assertNull(ix.get(FragmentNumber.parse("5")));
    assertNull(ix.next(all.get(2_999).number()));
    assertNull(new StreamIndex("e").earliest());
    assertNull(new StreamIndex("e").locate(TimestampKind.PRODUCER, 0));
  }

  @ParameterizedTest
  @CsvSource({"1, 10", "42, 1", "7, 1000", "8, 333"})
  void rangesMatchABruteForceOracleInBothKindsAndAllPageSizes(long seed, int pageSize) {
    List<FragmentRecord> all = scenario(4_000, seed);
    StreamIndex ix = indexOf(all);
    Random rnd = new Random(seed);
    for (TimestampKind k : TimestampKind.values()) {
      for (int q = 0; q < 20; q++) {
        long a = ts(all.get(rnd.nextInt(all.size())), k) + rnd.nextInt(3) - 1;
        long b = a + rnd.nextInt(400_000);
        assertEquals(oracle(all, k, a, b), allPages(ix, k, a, b, pageSize), k + " [" + a + ", " + b + "]");
      }
      assertEquals(oracle(all, k, Long.MIN_VALUE, Long.MAX_VALUE), allPages(ix, k, Long.MIN_VALUE, Long.MAX_VALUE, 1000));
    }
  }

  @Test
  void rangeIsInclusiveOnBothEndsAndDuplicatesAreAllReturned() {
    StreamIndex ix = indexOf(List.of(rec(0, 1_000, 500, 10), rec(1, 2_000, 500, 10), rec(2, 3_000, 400, 10),
        rec(3, 4_000, 500, 10), rec(4, 5_000, 600, 10)));
    assertEquals(List.of(num(1), num(2), num(3)),
        ix.range(TimestampKind.SERVER, 2_000, 4_000, 10, null).records().stream().map(FragmentRecord::number).toList());
    assertEquals(List.of(num(2), num(0), num(1), num(3)),
        ix.range(TimestampKind.PRODUCER, 400, 500, 10, null).records().stream().map(FragmentRecord::number).toList());
    assertTrue(ix.range(TimestampKind.PRODUCER, 501, 599, 10, null).records().isEmpty());
    assertNull(ix.range(TimestampKind.PRODUCER, 400, 500, 4, null).nextToken());
  }

  @ParameterizedTest
  @EnumSource(TimestampKind.class)
  void pagingAcrossAppendsNeitherRepeatsNorSkips(TimestampKind k) {
    List<FragmentRecord> all = scenario(6_000, 99);
    List<FragmentRecord> first = all.subList(0, 3_000);
    StreamIndex ix = indexOf(first);
    long from = Long.MIN_VALUE;
    long to = Long.MAX_VALUE;
    List<FragmentRecord> seen = new ArrayList<>();
    String token = null;
    int appended = 3_000;
    do {
      Page p = ix.range(k, from, to, 100, token == null ? null : PageToken.decode(token, k));
      seen.addAll(p.records());
      token = p.nextToken();
      for (int i = 0; i < 150 && appended < all.size(); i++) {
        ix.append(all.get(appended++)); // concurrent ingest between pages
      }
    } while (token != null);
    Set<FragmentNumber> unique = new HashSet<>();
    seen.forEach(r -> assertTrue(unique.add(r.number()), "repeated " + r.number()));
    for (FragmentRecord r : first) {
      assertTrue(unique.contains(r.number()), "skipped " + r.number());
    }
    // Everything returned is in (timestamp, number) order across pages.
    assertEquals(seen.stream().sorted(Comparator.<FragmentRecord>comparingLong(r -> ts(r, k))
        .thenComparing(FragmentRecord::number)).toList(), seen);
  }

  @Test
  void locateFindsTheContainingFragmentElseTheNextOne() {
    StreamIndex ix = indexOf(List.of(rec(0, 1_000, 10_000, 500), rec(1, 2_000, 12_000, 500),
        rec(2, 3_000, 5_000, 500), rec(3, 4_000, 12_000, 800), rec(4, 5_000, 20_000, 500)));
    // server: inside, on the start, in a gap, before all, after all
    assertEquals(num(1), ix.locate(TimestampKind.SERVER, 2_499).number());
    assertEquals(num(1), ix.locate(TimestampKind.SERVER, 2_000).number());
    assertEquals(num(2), ix.locate(TimestampKind.SERVER, 2_500).number());
    assertEquals(num(0), ix.locate(TimestampKind.SERVER, 0).number());
    assertNull(ix.locate(TimestampKind.SERVER, 5_500));
    // producer: not monotonic; duplicate start 12,000 resolves to the earliest-ingested
    assertEquals(num(2), ix.locate(TimestampKind.PRODUCER, 5_100).number());
    assertEquals(num(0), ix.locate(TimestampKind.PRODUCER, 9_000).number());
    assertEquals(num(1), ix.locate(TimestampKind.PRODUCER, 12_100).number());
    assertEquals(num(4), ix.locate(TimestampKind.PRODUCER, 12_600).number());
    assertEquals(num(2), ix.locate(TimestampKind.PRODUCER, 0).number());
    assertNull(ix.locate(TimestampKind.PRODUCER, 20_500));
  }

  @Test
  void expireRemovesAPrefixByServerTimeAndQueriesStayCorrect() {
    List<FragmentRecord> all = scenario(5_000, 5);
    StreamIndex ix = indexOf(all);
    long cutoff = all.get(1_234).serverTimestampMillis();
    List<FragmentRecord> gone = ix.expireBefore(cutoff);
    assertEquals(all.subList(0, 1_234), gone);
    List<FragmentRecord> left = all.subList(1_234, 5_000);
    assertEquals(left, ix.records());
    for (TimestampKind k : TimestampKind.values()) {
      assertEquals(oracle(left, k, Long.MIN_VALUE, Long.MAX_VALUE), allPages(ix, k, Long.MIN_VALUE, Long.MAX_VALUE, 777));
    }
    assertTrue(ix.expireBefore(cutoff).isEmpty());
    assertNull(ix.get(all.get(0).number()));
    ix.append(rec(5_000, T0 + 5_000 * 2_000L, 0, 1)); // still appendable
    assertEquals(5_000 - 1_234 + 1, ix.size());
  }

  @Test
  void appendsMustFollowNumberOrderAndARepeatedLastRecordIsANoOp() {
    StreamIndex ix = indexOf(List.of(rec(0, 1, 1, 1), rec(1, 2, 2, 2)));
    assertEquals(StreamIndex.Appended.DUPLICATE, ix.append(rec(1, 2, 2, 2)));
    assertThrows(IllegalArgumentException.class, () -> ix.append(rec(1, 3, 3, 3)));
    assertThrows(IllegalArgumentException.class, () -> ix.append(rec(0, 3, 3, 3)));
    assertThrows(IllegalArgumentException.class,
        () -> ix.append(new FragmentRecord(num(5), 1, 1, 1, 1L << 32, 1, false)));
    assertEquals(2, ix.size());
  }

  @ParameterizedTest
  @CsvSource({"1", "0001", "999999999999999999", "1000000000000000000", "123456789012345678901234567",
      "0000000000000000000000000000042"})
  void numbersOfAnyWidthRoundTripExactly(String text) {
    StreamIndex ix = new StreamIndex("w");
    FragmentRecord r = new FragmentRecord(FragmentNumber.parse(text), 1, 1, 1, 1, 1, false);
    ix.append(r);
    assertEquals(r, ix.get(FragmentNumber.parse(text)));
    assertEquals(text, ix.latest().number().value());
    assertThrows(IllegalArgumentException.class, () -> NumberKey.of(FragmentNumber.parse("1" + "0".repeat(27))));
  }

  @Test
  void aMillionFragmentsFitInOneHundredBytesEach() {
    StreamIndex ix = new StreamIndex("big");
    FragmentNumbers minter = new FragmentNumbers(1, () -> T0);
    Random rnd = new Random(3);
    long producer = 0;
    for (int i = 0; i < 1_000_000; i++) {
      producer += rnd.nextInt(10) == 0 ? -rnd.nextInt(50_000) : 2_000;
      ix.append(new FragmentRecord(minter.next("big"), T0 + i * 2_000L, producer, 2_000, 500_000, 3, false));
    }
    double perFragment = ix.retainedBytes() / 1_000_000.0;
    assertTrue(perFragment <= 100, "bytes per fragment: " + perFragment);
    assertEquals(1_000, ix.range(TimestampKind.PRODUCER, Long.MIN_VALUE, Long.MAX_VALUE, 1_000, null).records().size());
  }

  @ParameterizedTest
  @CsvSource({"0, 3000", "0, 1", "1234, 3000", "500, 2500", "2999, 3000"})
  void aCopyOfARangeEqualsAnIndexOfThoseRecords(int from, int to) {
    List<FragmentRecord> all = scenario(3_000, 12);
    StreamIndex ix = indexOf(all);
    StreamIndex copy = ix.copy(from, to);
    StreamIndex want = indexOf(all.subList(from, to));
    assertEquals(want.records(), copy.records());
    assertEquals(want.recordsByProducerTime(), copy.recordsByProducerTime());
    for (TimestampKind k : TimestampKind.values()) {
      assertEquals(oracle(all.subList(from, to), k, Long.MIN_VALUE, Long.MAX_VALUE),
          allPages(copy, k, Long.MIN_VALUE, Long.MAX_VALUE, 333));
    }
    copy.append(rec(3_000, T0 + 3_000 * 2_000L, 1, 1)); // the copy goes on as a tail
    assertEquals(to - from + 1, copy.size());
  }
}
