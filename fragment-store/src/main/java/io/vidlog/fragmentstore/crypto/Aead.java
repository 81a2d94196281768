package io.vidlog.fragmentstore.crypto;

import io.vidlog.fragmentstore.object.StoreException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The primitives every sealed format here is built from: AES-256-GCM from the JDK provider (its
 * AES-NI/VAES intrinsics run at GB/s; bouncycastle's pure-Java GCM is 20–80× slower) and
 * HKDF-SHA256 (RFC 5869) from bouncycastle. One {@link Cipher} per thread is re-initialised per
 * message, which is cheaper than {@code Cipher.getInstance} each time.
 */
final class Aead {
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  static final int SALT_BYTES = 32;

  static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(Aead::newCipher);

  private Aead() {}

  static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides no AES/GCM/NoPadding", e);
    }
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** HKDF-SHA256(ikm, salt, info) → 32 bytes: the per-object key. */
  static SecretKeySpec derive(byte[] ikm, byte[] salt, byte[] info) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(ikm, salt, info));
    byte[] okm = new byte[KEY_BYTES];
    hkdf.generateBytes(okm, 0, okm.length);
    return new SecretKeySpec(okm, "AES");
  }

  static SecretKeySpec key(byte[] raw) {
    return new SecretKeySpec(raw, "AES");
  }

  /** Encrypts {@code in[off, off+len)} into {@code out} at {@code outOff}; returns bytes written (len + 16). */
  static int seal(SecretKeySpec key, byte[] nonce, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff) {
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      c.updateAAD(aad);
      return c.doFinal(in, off, len, out, outOff);
    } catch (GeneralSecurityException e) {
      throw new StoreException(StoreException.Kind.INTERNAL, "AES-GCM seal failed: " + e.getMessage(), e);
    }
  }

  /**
   * Encrypts the concatenation of {@code parts} (their remaining bytes, heap or direct; positions
   * are not moved) into {@code out} at {@code outOff} as one message, without first gathering the
   * parts into one array; returns bytes written (their total + 16).
   */
  static int seal(SecretKeySpec key, byte[] nonce, byte[] aad, ByteBuffer[] parts, byte[] out, int outOff) {
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      c.updateAAD(aad);
      int w = 0;
      for (ByteBuffer part : parts) {
        if (part.hasArray()) {
          w += c.update(part.array(), part.arrayOffset() + part.position(), part.remaining(), out, outOff + w);
        } else {
          ByteBuffer dst = ByteBuffer.wrap(out, outOff + w, out.length - outOff - w);
          w += c.update(part.duplicate(), dst);
        }
      }
      return w + c.doFinal(out, outOff + w);
    } catch (GeneralSecurityException e) {
      throw new StoreException(StoreException.Kind.INTERNAL, "AES-GCM seal failed: " + e.getMessage(), e);
    }
  }

  /**
   * Decrypts and authenticates; returns plaintext bytes written. A wrong key, nonce, AAD or any
   * altered byte fails with INTEGRITY, naming {@code what}.
   */
  static int open(SecretKeySpec key, byte[] nonce, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff,
      String what) {
    if (len < TAG_BYTES) {
      throw integrity(what + ": sealed part of " + len + " bytes is shorter than its tag");
    }
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      c.updateAAD(aad);
      return c.doFinal(in, off, len, out, outOff);
    } catch (AEADBadTagException e) {
      throw integrity(what + " does not authenticate (tampered, truncated, or moved from another key or stream)");
    } catch (GeneralSecurityException e) {
      throw new StoreException(StoreException.Kind.INTEGRITY, what + ": cannot open: " + e.getMessage(), e);
    }
  }

  /**
   * Decrypts and authenticates the remaining bytes of {@code in} into {@code out} (heap or direct;
   * the JDK's GCM intrinsics serve both), advancing both positions; returns plaintext bytes written.
   * Failures as for the array form.
   */
  static int open(SecretKeySpec key, byte[] nonce, byte[] aad, ByteBuffer in, ByteBuffer out, String what) {
    if (in.remaining() < TAG_BYTES) {
      throw integrity(what + ": sealed part of " + in.remaining() + " bytes is shorter than its tag");
    }
    if (in.hasArray() && out.hasArray() && out.remaining() >= in.remaining() - TAG_BYTES) {
      // heap buffers: the array form, which CryptoWarmUp has the JIT compile onto the GCM intrinsics
      int n = open(key, nonce, aad, in.array(), in.arrayOffset() + in.position(), in.remaining(), out.array(),
          out.arrayOffset() + out.position(), what);
      in.position(in.limit());
      out.position(out.position() + n);
      return n;
    }
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      c.updateAAD(aad);
      return c.doFinal(in, out);
    } catch (AEADBadTagException e) {
      throw integrity(what + " does not authenticate (tampered, truncated, or moved from another key or stream)");
    } catch (GeneralSecurityException e) {
      throw new StoreException(StoreException.Kind.INTEGRITY, what + ": cannot open: " + e.getMessage(), e);
    }
  }

  static byte[] seal(SecretKeySpec key, byte[] nonce, byte[] aad, byte[] plaintext) {
    byte[] out = new byte[plaintext.length + TAG_BYTES];
    seal(key, nonce, aad, plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  static byte[] open(SecretKeySpec key, byte[] nonce, byte[] aad, byte[] in, int off, int len, String what) {
    byte[] out = new byte[Math.max(0, len - TAG_BYTES)];
    open(key, nonce, aad, in, off, len, out, 0, what);
    return out;
  }

  static StoreException integrity(String message) {
    return new StoreException(StoreException.Kind.INTEGRITY, message);
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }
}
