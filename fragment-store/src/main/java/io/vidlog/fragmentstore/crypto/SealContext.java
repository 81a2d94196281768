package io.vidlog.fragmentstore.crypto;

import java.nio.charset.StandardCharsets;

/**
 * What a sealed object is bound to (its AAD): the scope whose data key seals it (a stream's
 * creation id, or {@code "system"} for server-wide objects such as access keys), the object kind,
 * and the object's identity within the kind (a fragment number, an index segment name, a key id).
 */
public record SealContext(String scope, String kind, String name) {
  public static final String SYSTEM = "system";

  public SealContext {
    if (scope.isEmpty() || kind.isEmpty()) {
      throw new IllegalArgumentException("scope and kind are required");
    }
  }

  /** Length-prefixed encoding, so ("a","bc") and ("ab","c") never collide. */
  public byte[] aad() {
    byte[][] parts = {scope.getBytes(StandardCharsets.UTF_8), kind.getBytes(StandardCharsets.UTF_8),
        name.getBytes(StandardCharsets.UTF_8)};
    int n = 0;
    for (byte[] p : parts) {
      n += 4 + p.length;
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.putInt(p.length).put(p);
    }
    return b.array();
  }
}
