package io.vidlog.fragmentstore.crypto;

import java.util.Arrays;

/**
 * A key-encryption key: it only wraps data keys, never media. {@code id} is written beside every
 * wrapped data key so the right master key is found after rotation; ids sort by creation time.
 * {@link #toString()} never shows the key.
 */
public record MasterKey(String id, byte[] key) {
  public MasterKey {
    if (key.length != Aead.KEY_BYTES) {
      throw new IllegalArgumentException("a master key is 32 bytes (AES-256), got " + key.length);
    }
    KeyIds.check(id);
    key = key.clone();
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  byte[] raw() {
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MasterKey m && m.id.equals(id) && Arrays.equals(m.key, key);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "MasterKey[" + id + "]";
  }
}
