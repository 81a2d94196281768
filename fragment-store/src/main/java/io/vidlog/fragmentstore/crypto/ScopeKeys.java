package io.vidlog.fragmentstore.crypto;

import io.vidlog.fragmentstore.object.StoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The unwrapped data keys of one scope (a stream's creation id, or {@code system}): the newest
 * seals, all of them open. Obtained from {@link Crypto#keys(String)}; immutable.
 *
 * <p>As an {@link ObjectSealer} it seals small objects in this layout: {@code "VLOB"}, version 1,
 * data-key id (length byte + ASCII), 32-byte salt, 12-byte random nonce, then AES-256-GCM
 * ciphertext and tag under HKDF-SHA256(data key, salt, "vidlog object v1"), with the header plus
 * {@link SealContext#aad()} as AAD. A random nonce is safe because every object has its own key.
 */
public final class ScopeKeys implements ObjectSealer {
  private static final byte[] MAGIC = {'V', 'L', 'O', 'B'};
  private static final int VERSION = 1;
  private static final byte[] INFO = "vidlog object v1".getBytes(StandardCharsets.US_ASCII);

  private final String scope;
  private final TreeMap<String, DataKey> keys;

  ScopeKeys(String scope, List<DataKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a scope needs at least one data key");
    }
    this.scope = scope;
    this.keys = new TreeMap<>();
    for (DataKey k : keys) {
      this.keys.put(k.id(), k);
    }
  }

  public String scope() {
    return scope;
  }

  /** Id of the data key that seals new objects (the newest). */
  public String currentKeyId() {
    return keys.lastKey();
  }

  /** Ids of all data keys of the scope, oldest first. */
  public List<String> keyIds() {
    return List.copyOf(keys.keySet());
  }

  Map<String, DataKey> all() {
    return keys;
  }

  DataKey current() {
    return keys.lastEntry().getValue();
  }

  DataKey byId(String id, String what) {
    DataKey k = keys.get(id);
    if (k == null) {
      throw new StoreException(StoreException.Kind.INTEGRITY,
          what + " is sealed with data key " + id + ", which scope " + scope + " does not have");
    }
    return k;
  }

  /**
   * An HMAC-SHA256 key for {@code purpose} (for example signing session tokens), derived with
   * HKDF-SHA256 from the data key {@code keyId} and the label {@code "vidlog mac v1 " + purpose}
   * (RFC 5869 §3.2: distinct labels give independent keys, so it reveals nothing about the AES keys
   * derived from the same data key). Every node holding the scope's data keys derives the same key,
   * and it is as durable, and as sealed, as the data key: wrapped by the master key in the store.
   *
   * @throws StoreException of kind INTEGRITY when the scope has no data key {@code keyId}
   */
  public SecretKey macKey(String keyId, String purpose) {
    DataKey dk = byId(keyId, "MAC key for " + purpose);
    byte[] info = ("vidlog mac v1 " + purpose).getBytes(StandardCharsets.UTF_8);
    return new SecretKeySpec(Aead.derive(dk.key(), new byte[0], info).getEncoded(), "HmacSHA256");
  }

  /** A segmented sealer for one new chunk (see {@link StreamingSeal}). */
  public StreamingSeal chunkSealer(SealContext context) {
    checkScope(context);
    return StreamingSeal.forWriting(current(), context);
  }

  /** A segmented opener for a stored chunk whose first {@link StreamingSeal#PREFIX_LENGTH} bytes are {@code prefix}. */
  public StreamingSeal chunkOpener(SealContext context, byte[] prefix) {
    checkScope(context);
    String id = StreamingSeal.keyIdOf(prefix, context);
    return StreamingSeal.forReading(byId(id, context.kind() + " " + context.name()), context, prefix);
  }

  @Override
  public byte[] seal(SealContext context, byte[] plaintext) {
    checkScope(context);
    DataKey dk = current();
    byte[] id = dk.id().getBytes(StandardCharsets.US_ASCII);
    byte[] salt = Aead.random(Aead.SALT_BYTES);
    byte[] nonce = Aead.random(Aead.NONCE_BYTES);
    byte[] header = ByteBuffer.allocate(6 + id.length + salt.length + nonce.length)
        .put(MAGIC).put((byte) VERSION).put((byte) id.length).put(id).put(salt).put(nonce).array();
    byte[] out = Arrays.copyOf(header, header.length + plaintext.length + Aead.TAG_BYTES);
    Aead.seal(Aead.derive(dk.key(), salt, INFO), nonce, Aead.concat(header, context.aad()), plaintext, 0,
        plaintext.length, out, header.length);
    return out;
  }

  @Override
  public byte[] open(SealContext context, byte[] sealed) {
    checkScope(context);
    String what = context.kind() + " " + context.name() + " of " + scope;
    ByteBuffer b = ByteBuffer.wrap(sealed);
    if (sealed.length < 6 || b.getInt() != ByteBuffer.wrap(MAGIC).getInt()) {
      throw Aead.integrity(what + ": not a sealed object (bad magic)");
    }
    int version = b.get();
    if (version != VERSION) {
      throw Aead.integrity(what + ": unsupported sealed-object version " + version);
    }
    int n = b.get() & 0xff;
    if (n == 0 || n > KeyIds.MAX_LENGTH || b.remaining() < n + Aead.SALT_BYTES + Aead.NONCE_BYTES + Aead.TAG_BYTES) {
      throw Aead.integrity(what + ": truncated sealed object");
    }
    byte[] id = new byte[n];
    b.get(id);
    byte[] salt = new byte[Aead.SALT_BYTES];
    b.get(salt);
    byte[] nonce = new byte[Aead.NONCE_BYTES];
    b.get(nonce);
    int headerLen = b.position();
    DataKey dk = byId(new String(id, StandardCharsets.US_ASCII), what);
    return Aead.open(Aead.derive(dk.key(), salt, INFO), nonce, Aead.concat(Arrays.copyOf(sealed, headerLen), context.aad()),
        sealed, headerLen, sealed.length - headerLen, what);
  }

  private void checkScope(SealContext context) {
    if (!context.scope().equals(scope)) {
      throw new IllegalArgumentException("keys of scope " + scope + " cannot seal for scope " + context.scope());
    }
  }

  @Override
  public String toString() {
    return "ScopeKeys[" + scope + ", " + keys.keySet() + "]";
  }
}
