package io.vidlog.fragmentstore.testing;

import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.object.StoreException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The test double of the ObjectSealer for every module's tests: AES-256-GCM under one fixed key,
 * random 12-byte IV in front, the SealContext as AAD. Enough to prove that records are sealed and
 * bound to their context; the real sealer (per-object HKDF keys) lives in the crypto package.
 */
public final class TestSealer implements ObjectSealer {
  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();
  private int seals;

  public TestSealer() {
    this(new byte[32]);
  }

  public TestSealer(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  public synchronized int seals() {
    return seals;
  }

  @Override
  public byte[] seal(SealContext context, byte[] plaintext) {
    try {
      byte[] iv = new byte[12];
      random.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      c.updateAAD(context.aad());
      byte[] ct = c.doFinal(plaintext);
      synchronized (this) {
        seals++;
      }
      return ByteBuffer.allocate(12 + ct.length).put(iv).put(ct).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public byte[] open(SealContext context, byte[] sealed) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
      c.updateAAD(context.aad());
      return c.doFinal(sealed, 12, sealed.length - 12);
    } catch (GeneralSecurityException | IllegalArgumentException | java.security.ProviderException e) {
      // (the JDK's GCM throws ProviderException for input shorter than its tag)
      throw new StoreException(StoreException.Kind.INTEGRITY, "object does not authenticate: " + context);
    }
  }
}
