package io.vidlog.fragmentstore.index;

import io.vidlog.fragmentstore.FragmentNumber;

/**
 * A fragment number as two primitives for the columnar index: {@code value = hi * 10^18 + lo}
 * (numbers up to 27 significant digits; vidlog mints 22) plus the width of its decimal string, so
 * the exact string (leading zeros included) comes back out. Comparing (hi, lo) is numeric order.
 */
record NumberKey(int hi, long lo, int width) implements Comparable<NumberKey> {
  static final long LO_MOD = 1_000_000_000_000_000_000L;
  static final int MAX_DIGITS = 27;

  static NumberKey of(FragmentNumber n) {
    String s = n.value();
    int start = 0;
    while (start < s.length() - 1 && s.charAt(start) == '0') {
      start++;
    }
    int digits = s.length() - start;
    if (digits > MAX_DIGITS || s.length() > 127) {
      throw new IllegalArgumentException("fragment number " + s + " has more than " + MAX_DIGITS + " significant digits");
    }
    int split = Math.max(start, s.length() - 18);
    int hi = split > start ? Integer.parseInt(s, start, split, 10) : 0;
    long lo = Long.parseLong(s, split, s.length(), 10);
    return new NumberKey(hi, lo, s.length());
  }

  static FragmentNumber render(int hi, long lo, int width) {
    String digits = hi == 0 ? Long.toString(lo) : hi + pad(Long.toString(lo), 18);
    return new FragmentNumber(pad(digits, width));
  }

  FragmentNumber render() {
    return render(hi, lo, width);
  }

  static int compare(int hi1, long lo1, int hi2, long lo2) {
    int c = Integer.compare(hi1, hi2);
    return c != 0 ? c : Long.compare(lo1, lo2);
  }

  @Override
  public int compareTo(NumberKey o) {
    return compare(hi, lo, o.hi, o.lo);
  }

  private static String pad(String s, int width) {
    if (s.length() >= width) {
      return s;
    }
    return "0".repeat(width - s.length()) + s;
  }
}
