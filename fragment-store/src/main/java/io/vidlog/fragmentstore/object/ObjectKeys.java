package io.vidlog.fragmentstore.object;

import java.nio.charset.StandardCharsets;

/**
 * Validation of object keys, shared by every backend so that a key valid on one is valid on all.
 *
 * <p>A key is 1–1024 bytes of printable ASCII ({@code 0x21}–{@code 0x7e}, no backslash), split by
 * {@code /} into non-empty segments; no segment starts with {@code .} (which rules out {@code .}
 * and {@code ..} path traversal and keeps the fs backend's {@code .tmp-} files outside the key
 * space). These rules are what makes the fs backend's key → path mapping safe.
 */
public final class ObjectKeys {
  public static final int MAX_KEY_BYTES = 1024;

  private ObjectKeys() {}

  /** Returns {@code key} when valid; else throws {@link StoreException} of kind INVALID naming the problem. */
  public static String check(String key) {
    String problem = problem(key, false);
    if (problem != null) {
      throw new StoreException(StoreException.Kind.INVALID, "invalid object key '" + printable(key) + "': " + problem);
    }
    return key;
  }

  /**
   * Checks a listing prefix: the same character rules, but it may be empty and may end with
   * {@code /} or in the middle of a segment.
   */
  public static String checkPrefix(String prefix) {
    String problem = problem(prefix, true);
    if (problem != null) {
      throw new StoreException(StoreException.Kind.INVALID,
          "invalid key prefix '" + printable(prefix) + "': " + problem);
    }
    return prefix;
  }

  private static String problem(String key, boolean prefix) {
    if (key == null) {
      return "null";
    }
    if (key.isEmpty()) {
      return prefix ? null : "empty";
    }
    if (key.length() > MAX_KEY_BYTES) {
      return "longer than " + MAX_KEY_BYTES + " bytes";
    }
    int segmentStart = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '\\') {
        return "character 0x" + Integer.toHexString(c) + " at " + i + " is not allowed";
      }
      if (c == '/') {
        if (i == segmentStart) {
          return "empty segment at " + i;
        }
        segmentStart = i + 1;
      } else if (c == '.' && i == segmentStart) {
        return "segment starting with '.' at " + i;
      }
    }
    if (!prefix && segmentStart == key.length()) {
      return "ends with '/'";
    }
    return null;
  }

  private static String printable(String key) {
    if (key == null) {
      return "null";
    }
    String cut = key.length() > 200 ? key.substring(0, 200) + "..." : key;
    byte[] b = cut.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < b.length; i++) {
      if (b[i] < 0x20 || b[i] > 0x7e) {
        b[i] = '?';
      }
    }
    return new String(b, StandardCharsets.US_ASCII);
  }
}
