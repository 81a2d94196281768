package io.vidlog.playback.hls;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The {@code SessionToken} query parameter of every HLS URL (docs/wire-protocol.md §3.5): an
 * {@link HlsSession} and the id of the key that signed it, followed by HMAC-SHA256 over both
 * (RFC 2104), in URL-safe base64 without padding (RFC 4648 §5), so it needs no escaping in a query.
 * The layout is versioned; the MAC is checked before any field is trusted, in constant time.
 *
 * <pre>
 * version 2 | keyId | streamName | streamId | mode | kind | discontinuity | display
 *           | startMillis | endMillis (Long.MIN_VALUE: none) | maxResults | issuedAt | expiresAt
 *           | anchor | protocol | container | displayNumbers | HMAC-SHA256 (32 bytes)
 * </pre>
 * Strings are length-prefixed (Java's modified UTF-8); enums are their ordinal.
 */
public final class SessionToken {
  /** What a token's MAC key is derived for: a key for another purpose never verifies one. */
  public static final String PURPOSE = "hls-session";
  /** Longer query values are refused before decoding. */
  public static final int MAX_LENGTH = 2048;
  private static final int VERSION = 2;
  private static final int MAC_BYTES = 32;
  private static final long NO_END = Long.MIN_VALUE;

  private SessionToken() {}

  /** A token read but not yet verified: only {@link #keyId} may be used before {@link #verify}. */
  public record Unverified(String keyId, byte[] signed, byte[] mac, HlsSession session) {
    /**
     * The session when the MAC verifies under {@code key} and the session has not expired at
     * {@code nowMillis}; else 403 NotAuthorizedException.
     */
    public HlsSession verify(SecretKey key, long nowMillis) {
      if (!MessageDigest.isEqual(mac, SessionToken.mac(key, signed))) {
        throw invalid();
      }
      if (session.expired(nowMillis)) {
        throw KvsError.SESSION_NOT_AUTHORIZED.exception("The session token has expired");
      }
      return session;
    }
  }

  /** Signs {@code session} with the key {@code keyId}. */
  public static String sign(HlsSession session, String keyId, SecretKey key) {
    byte[] payload = encode(session, keyId);
    byte[] out = Arrays.copyOf(payload, payload.length + MAC_BYTES);
    System.arraycopy(mac(key, payload), 0, out, payload.length, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }

  /** Reads a token; 403 NotAuthorizedException when it is absent or not one this service could have made. */
  public static Unverified parse(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
      throw invalid();
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (raw.length <= MAC_BYTES + 1) {
      throw invalid();
    }
    byte[] signed = Arrays.copyOf(raw, raw.length - MAC_BYTES);
    byte[] mac = Arrays.copyOfRange(raw, raw.length - MAC_BYTES, raw.length);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(signed))) {
      if (in.readUnsignedByte() != VERSION) {
        throw invalid();
      }
      String keyId = in.readUTF();
      String name = in.readUTF();
      String id = in.readUTF();
      PlaybackMode mode = of(PlaybackMode.values(), in.readUnsignedByte());
      TimestampKind kind = of(TimestampKind.values(), in.readUnsignedByte());
      DiscontinuityMode discontinuity = of(DiscontinuityMode.values(), in.readUnsignedByte());
      boolean display = in.readBoolean();
      long start = in.readLong();
      long end = in.readLong();
      int max = in.readInt();
      long issued = in.readLong();
      long expires = in.readLong();
      String anchor = in.readUTF();
      SessionProtocol protocol = of(SessionProtocol.values(), in.readUnsignedByte());
      ContainerFormat container = of(ContainerFormat.values(), in.readUnsignedByte());
      boolean numbers = in.readBoolean();
      if (in.available() != 0 || max < 1 || !FragmentNumber.isValid(anchor)) {
        throw invalid();
      }
      return new Unverified(keyId, signed, mac, new HlsSession(name, id, mode, kind, start, end == NO_END ? null : end,
          discontinuity, display, max, issued, expires, new FragmentNumber(anchor), protocol, container, numbers));
    } catch (IOException | IllegalArgumentException e) {
      throw invalid();
    }
  }

  private static byte[] encode(HlsSession s, String keyId) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(keyId);
      out.writeUTF(s.streamName());
      out.writeUTF(s.streamId());
      out.writeByte(s.mode().ordinal());
      out.writeByte(s.kind().ordinal());
      out.writeByte(s.discontinuity().ordinal());
      out.writeBoolean(s.displayTimestamps());
      out.writeLong(s.startMillis());
      out.writeLong(s.endMillis() == null ? NO_END : s.endMillis());
      out.writeInt(s.maxResults());
      out.writeLong(s.issuedAtMillis());
      out.writeLong(s.expiresAtMillis());
      out.writeUTF(s.anchor().value());
      out.writeByte(s.protocol().ordinal());
      out.writeByte(s.container().ordinal());
      out.writeBoolean(s.displayNumbers());
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  private static <E> E of(E[] values, int ordinal) throws IOException {
    if (ordinal >= values.length) {
      throw new IOException("no value " + ordinal);
    }
    return values[ordinal];
  }

  private static byte[] mac(SecretKey key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private static KvsException invalid() {
    return KvsError.SESSION_NOT_AUTHORIZED.exception("The session token is not valid");
  }
}
