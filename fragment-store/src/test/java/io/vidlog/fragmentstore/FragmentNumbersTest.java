package io.vidlog.fragmentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FragmentNumbersTest {

  @ParameterizedTest
  @CsvSource({
      "0,             0,   0,      0000000000000000000000",
      "1700000000123, 7,   42,     1700000000123007000042",
      "9999999999999, 999, 999999, 9999999999999999999999",
      "1,             0,   1,      0000000000001000000001",
  })
  void encodeAndDecodeAreSymmetric(long millis, int node, int seq, String text) {
    FragmentNumbers.Parts p = new FragmentNumbers.Parts(millis, node, seq);
    assertEquals(text, FragmentNumbers.encode(p).value());
    assertEquals(p, FragmentNumbers.decode(FragmentNumber.parse(text)));
  }

  @ParameterizedTest
  @CsvSource({"1", "91343852333181432392682062622220590765191907586", "000000000000000000000"})
  void numbersOfOtherWidthsDoNotDecode(String text) {
    assertNull(FragmentNumbers.decode(FragmentNumber.parse(text)));
  }

  @ParameterizedTest
  @CsvSource({"-1, 0, 0", "10000000000000, 0, 0", "0, 1000, 0", "0, -1, 0", "0, 0, 1000000"})
  void partsOutOfRangeAreRejected(long millis, int node, int seq) {
    assertThrows(IllegalArgumentException.class, () -> new FragmentNumbers.Parts(millis, node, seq));
  }

  /** prev (millis/node/seq or empty), node, now -> expected next. */
  @ParameterizedTest
  @CsvSource({
      "'',                 3, 1000, 1000/3/0",
      "1000/3/0,           3, 1000, 1000/3/1",
      "1000/3/0,           3, 1001, 1001/3/0",
      "1000/3/5,           3, 900,  1000/3/6",
      "1000/3/999999,      3, 1000, 1001/3/0",
      "1000/5/9,           3, 1000, 1001/3/0",
      "1000/1/9,           3, 1000, 1000/3/0",
      "1000/5/9,           3, 2000, 2000/3/0",
  })
  void successorTable(String prev, int node, long now, String expected) {
    FragmentNumbers m = new FragmentNumbers(node, () -> now);
    FragmentNumbers.Parts p = prev.isEmpty() ? null : parts(prev);
    FragmentNumbers.Parts next = m.successor(p, now);
    assertEquals(parts(expected), next);
    if (p != null) {
      assertTrue(next.compareTo(p) > 0);
    }
  }

  private static FragmentNumbers.Parts parts(String s) {
    String[] f = s.split("/");
    return new FragmentNumbers.Parts(Long.parseLong(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]));
  }

  @Test
  void floorFromTheIndexSurvivesAClockStepBackAfterRestart() {
    AtomicLong clock = new AtomicLong(2_000_000);
    FragmentNumbers before = new FragmentNumbers(1, clock::get);
    FragmentNumber latest = null;
    for (int i = 0; i < 10; i++) {
      latest = before.next("s");
    }
    clock.set(1_000_000); // restart with a clock 1000 s behind
    FragmentNumbers after = new FragmentNumbers(1, clock::get);
    after.floor("s", latest);
    FragmentNumber n = after.next("s");
    assertTrue(n.compareTo(latest) > 0, n + " > " + latest);
    // Another node taking the stream over in the same millisecond also mints larger numbers.
    FragmentNumbers other = new FragmentNumbers(0, () -> 2_000_000);
    other.floor("s", n);
    assertTrue(other.next("s").compareTo(n) > 0);
    FragmentNumber mark = other.next("s");
    other.floor("s", FragmentNumber.parse("12")); // fewer digits: already below every minted number
    assertTrue(other.next("s").compareTo(mark) > 0);
    assertThrows(IllegalArgumentException.class, () -> other.floor("s", FragmentNumber.parse("1" + "0".repeat(22))));
  }

  @Test
  void streamsAreIndependent() {
    FragmentNumbers m = new FragmentNumbers(2, () -> 5_000);
    assertEquals("0000000005000002000000", m.next("a").value());
    assertEquals("0000000005000002000001", m.next("a").value());
    assertEquals("0000000005000002000000", m.next("b").value());
    m.forget("a");
    assertEquals("0000000005000002000000", m.next("a").value());
  }

  @Test
  void aRenumberedNodeMintsWithItsNewIdAndKeepsEveryStreamIncreasing() {
    FragmentNumbers m = new FragmentNumbers(7, () -> 5_000);
    assertEquals("0000000005000007000000", m.next("s").value());
    m.renumber(3); // a smaller id in the same millisecond would sort before the mark
    assertEquals("0000000005001003000000", m.next("s").value());
    assertEquals("0000000005001003000001", m.next("s").value());
    assertEquals("0000000005000003000000", m.next("t").value(), "a new stream starts with the new id");
    assertEquals(3, m.node());
    assertThrows(IllegalArgumentException.class, () -> m.renumber(1000));
  }

  /**
   * Property: whatever the clock does (stalls, steps back, jumps), with restarts that floor from
   * the last number and stream moves between nodes, minted numbers strictly increase, and their
   * strings sort lexicographically exactly as their values sort numerically.
   */
  @Test
  void mintedNumbersIncreaseAndSortLexicographicallyAsNumerically() {
    Random rnd = new Random(20261122);
    for (int run = 0; run < 20; run++) {
      AtomicLong clock = new AtomicLong(rnd.nextLong(1_000_000_000_000L));
      FragmentNumbers minter = new FragmentNumbers(rnd.nextInt(1000), clock::get);
      List<FragmentNumber> minted = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        int r = rnd.nextInt(100);
        if (r < 40) {
          clock.addAndGet(rnd.nextInt(3));
        } else if (r < 45) {
          clock.addAndGet(-rnd.nextInt(100_000));
        } else if (r < 46) {
          minter.renumber(rnd.nextInt(1000)); // the cluster gave this node another number
        } else if (r < 47) {
          // restart (possibly on another node) that floors from the newest indexed number
          minter = new FragmentNumbers(rnd.nextInt(1000), clock::get);
          if (!minted.isEmpty()) {
            minter.floor("s", minted.get(minted.size() - 1));
          }
        }
        minted.add(minter.next("s"));
      }
      for (int i = 1; i < minted.size(); i++) {
        BigInteger a = new BigInteger(minted.get(i - 1).value());
        BigInteger b = new BigInteger(minted.get(i).value());
        assertTrue(b.compareTo(a) > 0, "run " + run + " at " + i + ": " + b + " <= " + a);
        assertTrue(minted.get(i).value().compareTo(minted.get(i - 1).value()) > 0);
        assertEquals(Integer.signum(b.compareTo(a)), Integer.signum(minted.get(i).compareTo(minted.get(i - 1))));
      }
      List<String> shuffled = new ArrayList<>(minted.stream().map(FragmentNumber::value).toList());
      java.util.Collections.shuffle(shuffled, rnd);
      List<String> lexicographic = new ArrayList<>(shuffled);
      lexicographic.sort(null);
      List<String> numeric = new ArrayList<>(shuffled);
      numeric.sort((x, y) -> new BigInteger(x).compareTo(new BigInteger(y)));
      assertEquals(numeric, lexicographic);
    }
  }
}
