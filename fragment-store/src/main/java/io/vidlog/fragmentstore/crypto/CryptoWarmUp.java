package io.vidlog.fragmentstore.crypto;

import java.nio.ByteBuffer;
import javax.crypto.spec.SecretKeySpec;

/** Exercises the AES-GCM paths the store uses so the JIT compiles them before real traffic. */
final class CryptoWarmUp {
  private CryptoWarmUp() {}

  static void run() {
    SecretKeySpec key = Aead.key(Aead.random(Aead.KEY_BYTES));
    byte[] nonce = new byte[Aead.NONCE_BYTES];
    byte[] aad = new byte[64];
    byte[] small = new byte[1024];
    byte[] smallOut = new byte[small.length + Aead.TAG_BYTES];
    for (int i = 0; i < 20_000; i++) {
      nonce[0] = (byte) i;
      nonce[1] = (byte) (i >> 8);
      int n = Aead.seal(key, nonce, aad, small, 0, small.length, smallOut, 0);
      Aead.open(key, nonce, aad, smallOut, 0, n, small, 0, "warm-up");
    }
    byte[] seg = new byte[StreamingSeal.SEGMENT_SIZE];
    byte[] segOut = new byte[seg.length + Aead.TAG_BYTES];
    for (int i = 0; i < 2_000; i++) {
      nonce[0] = (byte) i;
      nonce[1] = (byte) (i >> 8);
      nonce[2] = 1;
      int n = Aead.seal(key, nonce, aad, seg, 0, seg.length, segOut, 0);
      Aead.open(key, nonce, aad, segOut, 0, n, seg, 0, "warm-up");
    }
    // the chunk writer seals a segment from the frames it is made of: header and payload pieces
    ByteBuffer[] pieces = new ByteBuffer[8];
    for (int p = 0; p < pieces.length; p++) {
      int from = p * (seg.length / pieces.length);
      pieces[p] = ByteBuffer.wrap(seg, from, p % 2 == 0 ? 7 : seg.length / pieces.length - 7).slice();
    }
    for (int i = 0; i < 2_000; i++) {
      nonce[0] = (byte) i;
      nonce[1] = (byte) (i >> 8);
      nonce[2] = 2;
      Aead.seal(key, nonce, aad, pieces, segOut, 0);
    }
  }
}
