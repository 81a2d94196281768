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

  /** The decimal string, left-padded with zeros to {@code width}, built in one char array (hot in range queries). */
  static FragmentNumber render(int hi, long lo, int width) {
    int digits = hi == 0 ? digitsOf(lo) : 18 + digitsOf(hi);
    char[] c = new char[Math.max(width, digits)];
    int i = c.length;
    long v = lo;
    int loDigits = hi == 0 ? digitsOf(lo) : 18;
    for (int k = 0; k < loDigits; k++) {
      c[--i] = (char) ('0' + v % 10);
      v /= 10;
    }
    long h = hi;
    while (h > 0) {
      c[--i] = (char) ('0' + h % 10);
      h /= 10;
    }
    while (i > 0) {
      c[--i] = '0';
    }
    return new FragmentNumber(new String(c));
  }

  private static int digitsOf(long v) {
    int d = 1;
    while (v >= 10) {
      v /= 10;
      d++;
    }
    return d;
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
}
