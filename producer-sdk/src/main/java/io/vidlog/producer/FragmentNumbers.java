package io.vidlog.producer;

import java.math.BigInteger;
import java.util.Comparator;

/**
 * Fragment numbers are decimal strings of 1–128 digits that increase per stream; clients compare
 * them numerically, never by length or as text (docs/wire-protocol.md §1.2).
 */
public final class FragmentNumbers {
  /** Numeric order of fragment numbers. */
  public static final Comparator<String> ORDER = FragmentNumbers::compare;

  private FragmentNumbers() {}

  public static int compare(String a, String b) {
    String x = stripZeros(a);
    String y = stripZeros(b);
    return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
  }

  /** The number just below {@code number} ("0" stays "0"). */
  static String predecessor(String number) {
    BigInteger n = new BigInteger(number);
    return n.signum() == 0 ? "0" : n.subtract(BigInteger.ONE).toString();
  }

  private static String stripZeros(String s) {
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }
}
