package io.vidlog.fragmentstore.crypto;

import io.vidlog.fragmentstore.object.StoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.spec.SecretKeySpec;

/**
 * Segmented AES-256-GCM for large objects (fragment chunks): the STREAM construction of Hoang,
 * Reyhanitabar, Rogaway and Vizár ("Online Authenticated-Encryption and its Nonce-Reuse
 * Misuse-Resistance", CRYPTO 2015), as Tink's {@code AesGcmHkdfStreaming} uses it. The plaintext is
 * cut into fixed-size segments of {@value #SEGMENT_SIZE} bytes; segment {@code i} is sealed with the
 * nonce {@code noncePrefix(7) || i (4, big-endian) || last (1)}, so reordering, dropping, repeating
 * or truncating segments fails authentication, memory stays bounded by one segment, and a reader
 * can open any segment from its offset alone (range reads).
 *
 * <p>The object starts with a cleartext, authenticated prefix of {@value #PREFIX_LENGTH} bytes:
 * {@code "VLCK"}, version, segment size, data-key id (length byte + 32 bytes zero-padded), 32-byte
 * salt, 7-byte nonce prefix. Nothing in it is plaintext metadata. The per-object key is
 * HKDF-SHA256(data key, salt, "vidlog chunk v1"). Every segment's AAD is the prefix followed by
 * {@link SealContext#aad()}; the final segment's AAD adds caller-supplied bytes (the chunk footer).
 */
public final class StreamingSeal {
  public static final int SEGMENT_SIZE = 64 * 1024;
  public static final int TAG_BYTES = Aead.TAG_BYTES;
  public static final int PREFIX_LENGTH = 4 + 1 + 4 + 1 + KeyIds.MAX_LENGTH + Aead.SALT_BYTES + 7;
  private static final byte[] MAGIC = {'V', 'L', 'C', 'K'};
  private static final int VERSION = 1;
  private static final byte[] INFO = "vidlog chunk v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EPHEMERAL_AAD = "vidlog ephemeral v1".getBytes(StandardCharsets.US_ASCII);

  private final byte[] prefix;
  private final byte[] noncePrefix;
  private final SecretKeySpec key;
  private final byte[] aad;
  private final String what;

  private StreamingSeal(byte[] prefix, byte[] noncePrefix, SecretKeySpec key, byte[] aad, String what) {
    this.prefix = prefix;
    this.noncePrefix = noncePrefix;
    this.key = key;
    this.aad = aad;
    this.what = what;
  }

  /**
   * A seal under a random key that exists only in the returned object: never stored, wrapped or
   * derived from a stored key. For temporary files that must hold no plaintext and become useless
   * when the process forgets them (a spooled upload): segments are sealed and opened as in a chunk,
   * with no prefix on disk. {@code what} names the file in integrity errors.
   */
  public static StreamingSeal ephemeral(String what) {
    return new StreamingSeal(new byte[0], Aead.random(7), Aead.key(Aead.random(Aead.KEY_BYTES)), EPHEMERAL_AAD, what);
  }

  static StreamingSeal forWriting(DataKey dk, SealContext ctx) {
    byte[] salt = Aead.random(Aead.SALT_BYTES);
    byte[] np = Aead.random(7);
    byte[] id = dk.id().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(PREFIX_LENGTH);
    b.put(MAGIC).put((byte) VERSION).putInt(SEGMENT_SIZE).put((byte) id.length).put(Arrays.copyOf(id, KeyIds.MAX_LENGTH))
        .put(salt).put(np);
    byte[] prefix = b.array();
    return new StreamingSeal(prefix, np, Aead.derive(dk.key(), salt, INFO), Aead.concat(prefix, ctx.aad()), describe(ctx));
  }

  /** The data-key id named in an object's prefix (INTEGRITY when the prefix is not ours). */
  static String keyIdOf(byte[] prefix, SealContext ctx) {
    if (prefix.length < PREFIX_LENGTH) {
      throw Aead.integrity(describe(ctx) + ": object shorter than the chunk prefix");
    }
    ByteBuffer b = ByteBuffer.wrap(prefix);
    byte[] magic = new byte[4];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw Aead.integrity(describe(ctx) + ": not a sealed chunk (bad magic)");
    }
    int version = b.get();
    if (version != VERSION) {
      throw Aead.integrity(describe(ctx) + ": unsupported chunk format version " + version);
    }
    int seg = b.getInt();
    if (seg != SEGMENT_SIZE) {
      throw Aead.integrity(describe(ctx) + ": unsupported segment size " + seg);
    }
    int n = b.get() & 0xff;
    if (n == 0 || n > KeyIds.MAX_LENGTH) {
      throw Aead.integrity(describe(ctx) + ": bad key id length " + n);
    }
    byte[] id = new byte[n];
    b.get(id);
    return new String(id, StandardCharsets.US_ASCII);
  }

  static StreamingSeal forReading(DataKey dk, SealContext ctx, byte[] prefixBytes) {
    byte[] prefix = Arrays.copyOf(prefixBytes, PREFIX_LENGTH);
    int saltAt = 4 + 1 + 4 + 1 + KeyIds.MAX_LENGTH;
    byte[] salt = Arrays.copyOfRange(prefix, saltAt, saltAt + Aead.SALT_BYTES);
    byte[] np = Arrays.copyOfRange(prefix, saltAt + Aead.SALT_BYTES, PREFIX_LENGTH);
    return new StreamingSeal(prefix, np, Aead.derive(dk.key(), salt, INFO), Aead.concat(prefix, ctx.aad()), describe(ctx));
  }

  private static String describe(SealContext ctx) {
    return ctx.kind() + " " + ctx.name() + " of " + ctx.scope();
  }

  /** The cleartext prefix to write first. */
  public byte[] prefix() {
    return prefix.clone();
  }

  /** Bytes a sealed segment of {@code plaintextLength} takes. */
  public static int sealedLength(int plaintextLength) {
    return plaintextLength + TAG_BYTES;
  }

  /** Seals one segment; returns the bytes written to {@code out} ({@code len + 16}). */
  public int seal(int index, boolean last, byte[] extraAad, byte[] in, int off, int len, byte[] out, int outOff) {
    checkLength(len);
    return Aead.seal(key, nonce(index, last), aadFor(extraAad), in, off, len, out, outOff);
  }

  /**
   * Seals one segment whose plaintext is the concatenation of {@code parts} (the remaining bytes of
   * each; positions are not moved), straight from where those bytes lie into {@code out}: no
   * gathering copy. Returns the bytes written (plaintext length + 16); the result opens with
   * {@link #open} exactly as a segment sealed from one array.
   */
  public int seal(int index, boolean last, byte[] extraAad, ByteBuffer[] parts, byte[] out, int outOff) {
    long len = 0;
    for (ByteBuffer p : parts) {
      len += p.remaining();
    }
    checkLength((int) Math.min(len, Integer.MAX_VALUE));
    return Aead.seal(key, nonce(index, last), aadFor(extraAad), parts, out, outOff);
  }

  /** Opens one segment; INTEGRITY when it was altered, moved, reordered or sealed under another context. */
  public int open(int index, boolean last, byte[] extraAad, byte[] in, int off, int len, byte[] out, int outOff) {
    if (len > SEGMENT_SIZE + TAG_BYTES) {
      throw Aead.integrity(what + ": segment " + index + " is " + len + " bytes, over the segment size");
    }
    return Aead.open(key, nonce(index, last), aadFor(extraAad), in, off, len, out, outOff, what + ", segment " + index);
  }

  /**
   * Opens one segment from the remaining bytes of {@code in} into {@code out} without copying
   * either (heap or direct buffers), advancing both; returns the plaintext bytes written. Failures
   * as for the array form; {@code out} needs room for {@code in.remaining() - 16} bytes.
   */
  public int open(int index, boolean last, byte[] extraAad, ByteBuffer in, ByteBuffer out) {
    int len = in.remaining();
    if (len > SEGMENT_SIZE + TAG_BYTES) {
      throw Aead.integrity(what + ": segment " + index + " is " + len + " bytes, over the segment size");
    }
    return Aead.open(key, nonce(index, last), aadFor(extraAad), in, out, what + ", segment " + index);
  }

  private byte[] aadFor(byte[] extra) {
    return extra == null || extra.length == 0 ? aad : Aead.concat(aad, extra);
  }

  private static void checkLength(int len) {
    if (len < 0 || len > SEGMENT_SIZE) {
      throw new StoreException(StoreException.Kind.INVALID, "segment of " + len + " bytes exceeds " + SEGMENT_SIZE);
    }
  }

  private byte[] nonce(int index, boolean last) {
    if (index < 0) {
      throw new StoreException(StoreException.Kind.INVALID, "segment index overflow");
    }
    byte[] n = new byte[Aead.NONCE_BYTES];
    System.arraycopy(noncePrefix, 0, n, 0, 7);
    n[7] = (byte) (index >>> 24);
    n[8] = (byte) (index >>> 16);
    n[9] = (byte) (index >>> 8);
    n[10] = (byte) index;
    n[11] = (byte) (last ? 1 : 0);
    return n;
  }
}
