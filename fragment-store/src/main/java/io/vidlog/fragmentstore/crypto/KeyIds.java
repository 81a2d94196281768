package io.vidlog.fragmentstore.crypto;

import java.util.HexFormat;

/**
 * Key ids for master and data keys: {@code <13-digit epoch millis>-<8 hex>}, so that ids sort by
 * creation time (the newest is current) and two nodes creating a key at once do not collide. At
 * most 32 ASCII characters, safe in object keys and file names; they carry no secret.
 */
final class KeyIds {
  static final int MAX_LENGTH = 32;

  private KeyIds() {}

  static String next() {
    return String.format("%013d-%s", System.currentTimeMillis(), HexFormat.of().formatHex(Aead.random(4)));
  }

  static String check(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("key id must be 1-" + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_')) {
        throw new IllegalArgumentException("key id has a character outside [0-9A-Za-z_-] at " + i);
      }
    }
    return id;
  }
}
