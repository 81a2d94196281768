package io.vidlog.fragmentstore;

/**
 * A KVS fragment number: a decimal string of 1–128 digits that increases strictly per stream in
 * ingest order (docs/wire-protocol.md §1.2). vidlog mints fixed-width numbers so that their decimal strings
 * sort in the same order as their values, which makes object keys list in fragment order; numbers
 * received from clients may have any width and are compared numerically.
 */
public record FragmentNumber(String value) implements Comparable<FragmentNumber> {

  public FragmentNumber {
    if (!isValid(value)) {
      throw new IllegalArgumentException("not a fragment number (1-128 decimal digits): " + abbreviate(value));
    }
  }

  public static boolean isValid(String s) {
    if (s == null || s.isEmpty() || s.length() > 128) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  public static FragmentNumber parse(String s) {
    return new FragmentNumber(s);
  }

  /** Numeric order, ignoring leading zeros. */
  @Override
  public int compareTo(FragmentNumber o) {
    String a = stripZeros(value);
    String b = stripZeros(o.value);
    if (a.length() != b.length()) {
      return Integer.compare(a.length(), b.length());
    }
    return a.compareTo(b);
  }

  private static String stripZeros(String s) {
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }

  @Override
  public String toString() {
    return value;
  }
}
