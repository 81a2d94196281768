package io.vidlog.fragmentstore.crypto;

import io.vidlog.fragmentstore.object.StoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One 256-bit data key of a scope and its wrapped form as stored under
 * {@code streams/<scope>/keys/<id>} (or {@code system/keys/<id>}).
 *
 * <p>Wrapped layout: {@code "VLDK"}, version 1, master-key id (length byte + ASCII), 12-byte nonce,
 * AES-256-GCM(master key) of the 32 key bytes with their tag. The AAD is the header plus
 * {@code SealContext(scope, "data-key", id)}, so a wrapped key copied to another scope or id, or
 * pointed at another master key, does not unwrap.
 */
record DataKey(String scope, String id, byte[] key) {
  private static final byte[] MAGIC = {'V', 'L', 'D', 'K'};
  private static final int VERSION = 1;
  static final String KIND = "data-key";

  static DataKey generate(String scope) {
    return new DataKey(scope, KeyIds.next(), Aead.random(Aead.KEY_BYTES));
  }

  byte[] wrap(MasterKey master) {
    byte[] mid = master.id().getBytes(StandardCharsets.US_ASCII);
    byte[] nonce = Aead.random(Aead.NONCE_BYTES);
    byte[] header = ByteBuffer.allocate(4 + 1 + 1 + mid.length + Aead.NONCE_BYTES)
        .put(MAGIC).put((byte) VERSION).put((byte) mid.length).put(mid).put(nonce).array();
    byte[] ct = Aead.seal(Aead.key(master.raw()), nonce, aad(header), key);
    return Aead.concat(header, ct);
  }

  /** The id of the master key that wrapped {@code wrapped}. */
  static String masterIdOf(byte[] wrapped, String what) {
    ByteBuffer b = ByteBuffer.wrap(wrapped);
    if (wrapped.length < 6 || b.getInt() != ByteBuffer.wrap(MAGIC).getInt()) {
      throw Aead.integrity(what + ": not a wrapped data key");
    }
    int version = b.get();
    if (version != VERSION) {
      throw Aead.integrity(what + ": unsupported wrapped-key version " + version);
    }
    int n = b.get() & 0xff;
    if (n == 0 || n > KeyIds.MAX_LENGTH || b.remaining() < n + Aead.NONCE_BYTES + Aead.KEY_BYTES + Aead.TAG_BYTES) {
      throw Aead.integrity(what + ": truncated wrapped data key");
    }
    byte[] mid = new byte[n];
    b.get(mid);
    return new String(mid, StandardCharsets.US_ASCII);
  }

  static DataKey unwrap(String scope, String id, byte[] wrapped, Keyring ring) {
    String what = "data key " + id + " of scope " + scope;
    String masterId = masterIdOf(wrapped, what);
    MasterKey master = ring.byId(masterId).orElseThrow(() -> new StoreException(StoreException.Kind.INTEGRITY,
        what + " is wrapped by master key " + masterId + ", which this server does not have"));
    int headerLen = 6 + masterId.length() + Aead.NONCE_BYTES;
    if (wrapped.length != headerLen + Aead.KEY_BYTES + Aead.TAG_BYTES) {
      throw Aead.integrity(what + ": wrapped key has length " + wrapped.length);
    }
    byte[] header = java.util.Arrays.copyOf(wrapped, headerLen);
    byte[] nonce = java.util.Arrays.copyOfRange(wrapped, headerLen - Aead.NONCE_BYTES, headerLen);
    DataKey probe = new DataKey(scope, id, new byte[0]);
    byte[] key = Aead.open(Aead.key(master.raw()), nonce, probe.aad(header), wrapped, headerLen,
        wrapped.length - headerLen, what);
    return new DataKey(scope, id, key);
  }

  private byte[] aad(byte[] header) {
    return Aead.concat(header, new io.vidlog.fragmentstore.crypto.SealContext(scope, KIND, id).aad());
  }

  @Override
  public String toString() {
    return "DataKey[" + scope + "/" + id + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DataKey d && d.scope.equals(scope) && d.id.equals(id);
  }

  @Override
  public int hashCode() {
    return scope.hashCode() * 31 + id.hashCode();
  }
}
