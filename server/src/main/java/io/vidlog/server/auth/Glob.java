package io.vidlog.server.auth;

/**
 * Wildcard matching for stream-name patterns: {@code *} matches any run (also empty), {@code ?}
 * exactly one character. Linear backtracking on the last star, so hostile patterns or names cannot
 * make it explode the way a regex could.
 */
public final class Glob {
  private Glob() {}

  public static boolean matches(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < text.length()) {
      if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = t;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
