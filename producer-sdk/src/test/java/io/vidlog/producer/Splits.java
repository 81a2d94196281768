package io.vidlog.producer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The ways a push parser's input is cut in tests (docs/architecture.md §Testing, "Parsers at every split
 * size"): whole, one byte at a time, every chunk size up to 64, in two at every offset, and seeded random
 * cuts. Each way is a list of slice lengths.
 */
final class Splits {
  private Splits() {}

  static List<int[]> of(int length) {
    List<int[]> ways = new ArrayList<>();
    ways.add(new int[] {length});
    for (int size = 1; size <= Math.min(64, length); size++) {
      ways.add(chunks(length, size));
    }
    for (int at = 1; at < length; at++) {
      ways.add(new int[] {at, length - at});
    }
    Random r = new Random(42);
    for (int i = 0; i < 20; i++) {
      List<Integer> parts = new ArrayList<>();
      int left = length;
      while (left > 0) {
        int n = Math.min(left, 1 + r.nextInt(Math.max(1, length / 3)));
        parts.add(n);
        left -= n;
      }
      ways.add(parts.stream().mapToInt(Integer::intValue).toArray());
    }
    return ways;
  }

  private static int[] chunks(int length, int size) {
    int[] out = new int[(length + size - 1) / size];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.min(size, length - i * size);
    }
    return out;
  }

  /**
   * Runs {@code parse} on {@code input} cut every way, asserting that every way gives what the first
   * (whole) one gave, which it returns.
   */
  static <T> T same(byte[] input, java.util.function.Function<int[], T> parse) {
    T first = null;
    for (int[] way : of(input.length)) {
      T got = parse.apply(way);
      if (first == null) {
        first = got;
      } else {
        org.junit.jupiter.api.Assertions.assertEquals(first, got, "split " + java.util.Arrays.toString(way));
      }
    }
    return first;
  }

  interface Sink {
    void feed(byte[] b, int off, int len);
  }

  /** Feeds {@code input} in the slices of {@code way}, each slice a fresh array (as a socket read gives). */
  static void feed(byte[] input, int[] way, Sink sink) {
    int p = 0;
    for (int n : way) {
      byte[] slice = new byte[n + 2];
      System.arraycopy(input, p, slice, 1, n);
      sink.feed(slice, 1, n);
      p += n;
    }
  }
}
