package io.vidlog.playback.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.util.Base64;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Session tokens (docs/wire-protocol.md §3.5): round trip, and every tampering or expiry is a 403. */
class SessionTokenTest {
  static final SecretKey KEY = new SecretKeySpec(new byte[32], "HmacSHA256");
  static final SecretKey OTHER = new SecretKeySpec(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
      17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}, "HmacSHA256");
  static final long ISSUED = 1_765_000_000_000L;

  static List<HlsSession> sessions() {
    return List.of(
        new HlsSession("cam-1", "1765000000000-abc", PlaybackMode.LIVE, TimestampKind.SERVER, ISSUED - 10_000, null,
            DiscontinuityMode.ALWAYS, false, 5, ISSUED, ISSUED + 300_000, new FragmentNumber("1765000000000000000001")),
        new HlsSession("a.b_c-d", "x", PlaybackMode.ON_DEMAND, TimestampKind.PRODUCER, -5, 86_400_000L,
            DiscontinuityMode.ON_DISCONTINUITY, true, 5000, ISSUED, ISSUED + 43_200_000L, new FragmentNumber("0")),
        new HlsSession("n".repeat(256), "id", PlaybackMode.LIVE_REPLAY, TimestampKind.SERVER, 0, null,
            DiscontinuityMode.NEVER, true, 1, 0, Long.MAX_VALUE, new FragmentNumber("9".repeat(128))),
        new HlsSession("ts", "x", PlaybackMode.LIVE, TimestampKind.PRODUCER, 0, null, DiscontinuityMode.NEVER, false, 5,
            ISSUED, ISSUED + 300_000, new FragmentNumber("1"), SessionProtocol.HLS, ContainerFormat.MPEG_TS, false),
        new HlsSession("dash", "x", PlaybackMode.ON_DEMAND, TimestampKind.SERVER, 0, 5L, DiscontinuityMode.NEVER, true,
            5, ISSUED, ISSUED + 300_000, new FragmentNumber("1"), SessionProtocol.DASH, ContainerFormat.FRAGMENTED_MP4,
            true));
  }

  @Test
  void aSignedSessionReadsBackUnchangedAndUrlSafe() {
    for (HlsSession s : sessions()) {
      String token = SessionToken.sign(s, "1765000000000-0a0b0c0d", KEY);
      assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
      SessionToken.Unverified u = SessionToken.parse(token);
      assertEquals("1765000000000-0a0b0c0d", u.keyId());
      assertEquals(s, u.verify(KEY, ISSUED + 1));
    }
  }

  @Test
  void everyChangedBitIsRefused() {
    String token = SessionToken.sign(sessions().get(0), "k1", KEY);
    byte[] raw = Base64.getUrlDecoder().decode(token);
    for (int i = 0; i < raw.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] t = raw.clone();
        t[i] ^= (byte) (1 << bit);
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(t);
        KvsException e = assertThrows(KvsException.class,
            () -> SessionToken.parse(tampered).verify(KEY, ISSUED + 1), "byte " + i + " bit " + bit);
        assertEquals(KvsError.SESSION_NOT_AUTHORIZED, e.error());
        assertEquals(403, e.error().status());
      }
    }
  }

  @Test
  void truncatedExtendedOrForeignTokensAreRefused() {
    String token = SessionToken.sign(sessions().get(0), "k1", KEY);
    for (String bad : new String[] {null, "", "!!!", "abc", token.substring(0, token.length() - 1),
        token.substring(0, 40), token + "A", token + "AAAA", "A".repeat(SessionToken.MAX_LENGTH + 1), token + "~"}) {
      KvsException e = assertThrows(KvsException.class, () -> SessionToken.parse(bad).verify(KEY, ISSUED + 1),
          String.valueOf(bad));
      assertEquals(KvsError.SESSION_NOT_AUTHORIZED, e.error());
    }
    KvsException wrongKey = assertThrows(KvsException.class, () -> SessionToken.parse(token).verify(OTHER, ISSUED));
    assertEquals("The session token is not valid", wrongKey.getMessage());
  }

  @Test
  void aTokenStopsAtItsExpiryInstant() {
    HlsSession s = sessions().get(0);
    String token = SessionToken.sign(s, "k1", KEY);
    assertEquals(s, SessionToken.parse(token).verify(KEY, s.expiresAtMillis() - 1));
    KvsException e = assertThrows(KvsException.class, () -> SessionToken.parse(token).verify(KEY, s.expiresAtMillis()));
    assertEquals(KvsError.SESSION_NOT_AUTHORIZED, e.error());
    assertEquals("The session token has expired", e.getMessage());
  }
}
