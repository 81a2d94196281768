package io.vidlog.fragmentstore.crypto;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Random;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CryptoTest {
  @TempDir
  Path dir;
  Vertx vertx;
  MemoryObjectStore store;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = new MemoryObjectStore();
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  @Test
  void firstStartCreatesAPrivateMasterKeyFileAndReusesIt() throws Exception {
    Path keys = dir.resolve("keys");
    Keyring ring = Keyring.load(keys);
    List<Path> files;
    try (var s = Files.list(keys)) {
      files = s.toList();
    }
    assertEquals(1, files.size());
    assertEquals("master-" + ring.current().id() + ".key", files.get(0).getFileName().toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
    assertEquals(32, Base64.getDecoder().decode(Files.readString(files.get(0)).trim()).length);
    assertEquals(ring.current(), Keyring.load(keys).current());
    assertTrue(!ring.current().toString().contains(Base64.getEncoder().encodeToString(ring.current().key())));
  }

  @Test
  void configuredKeysHaveStableIdsAndRejectBadInput() {
    String k1 = Base64.getEncoder().encodeToString(Aead.random(32));
    String k2 = Base64.getEncoder().encodeToString(Aead.random(32));
    Keyring a = Keyring.of(k2, List.of(k1));
    assertEquals(Keyring.of(k2, List.of()).current().id(), a.current().id());
    assertEquals(2, a.ids().size());
    assertThrows(IllegalArgumentException.class, () -> Keyring.of("not base64!", List.of()));
    assertThrows(IllegalArgumentException.class, () -> Keyring.of(Base64.getEncoder().encodeToString(new byte[16]), List.of()));
    assertThrows(IllegalStateException.class, a::rotate);
  }

  @Test
  void sealerRoundTripsAndBindsTheContext() {
    Crypto crypto = Crypto.open(vertx, store, Keyring.of(Base64.getEncoder().encodeToString(Aead.random(32)), List.of()));
    ScopeKeys keys = await(crypto.keys("stream-1"));
    SealContext ctx = new SealContext("stream-1", "index", "seg-0001");
    for (int size : new int[] {0, 1, 15, 16, 17, 4096, 100_000}) {
      byte[] plain = Aead.random(size);
      byte[] sealed = keys.seal(ctx, plain);
      assertArrayEquals(plain, keys.open(ctx, sealed));
      assertNotEquals(java.util.Arrays.toString(sealed), java.util.Arrays.toString(keys.seal(ctx, plain)),
          "every seal uses a fresh salt");
    }
    byte[] sealed = keys.seal(ctx, "hello".getBytes(StandardCharsets.UTF_8));
    for (SealContext other : List.of(new SealContext("stream-1", "index", "seg-0002"),
        new SealContext("stream-1", "record", "seg-0001"))) {
      assertEquals(StoreException.Kind.INTEGRITY, assertThrows(StoreException.class, () -> keys.open(other, sealed)).kind());
    }
    for (int i = 0; i < sealed.length; i++) {
      byte[] bad = sealed.clone();
      bad[i] ^= (byte) 0x80;
      assertEquals(StoreException.Kind.INTEGRITY, assertThrows(StoreException.class, () -> keys.open(ctx, bad)).kind(),
          "byte " + i);
    }
    assertEquals(StoreException.Kind.INTEGRITY,
        assertThrows(StoreException.class, () -> keys.open(ctx, java.util.Arrays.copyOf(sealed, 10))).kind());
    ScopeKeys otherStream = await(crypto.keys("stream-2"));
    assertThrows(IllegalArgumentException.class, () -> otherStream.open(ctx, sealed));
    SealContext ctx2 = new SealContext("stream-2", "index", "seg-0001");
    assertEquals(StoreException.Kind.INTEGRITY, assertThrows(StoreException.class, () -> otherStream.open(ctx2, sealed)).kind());
  }

  @Test
  void dataKeysAreCreatedOnceStoredWrappedAndReloaded() {
    Keyring ring = Keyring.of(Base64.getEncoder().encodeToString(Aead.random(32)), List.of());
    Crypto crypto = Crypto.open(vertx, store, ring);
    ScopeKeys k = await(crypto.keys(SealContext.SYSTEM));
    assertEquals(1, await(store.list("system/keys/", null, 10)).size());
    byte[] sealed = k.seal(new SealContext(SealContext.SYSTEM, "access-key", "a"), new byte[] {1, 2, 3});
    Crypto restarted = Crypto.open(vertx, store, ring);
    ScopeKeys again = await(restarted.keys(SealContext.SYSTEM));
    assertEquals(k.currentKeyId(), again.currentKeyId());
    assertArrayEquals(new byte[] {1, 2, 3}, again.open(new SealContext(SealContext.SYSTEM, "access-key", "a"), sealed));
    assertEquals(1, await(store.list("system/keys/", null, 10)).size());
    assertEquals("streams/abc/keys/", Crypto.keyPrefix("abc"));
    assertThrows(StoreException.class, () -> Crypto.keyPrefix("a/b"));
  }

  @Test
  void macKeysAreTheSameOnEveryNodeOfTheStoreAndSeparatedByPurposeAndDataKey() {
    String master = Base64.getEncoder().encodeToString(Aead.random(32));
    Crypto a = Crypto.open(vertx, store, Keyring.of(master, List.of()));
    ScopeKeys keysA = await(a.keys(SealContext.SYSTEM));
    String id = keysA.currentKeyId();
    // a second node on the same store and master key loads the wrapped data key and derives the same key
    ScopeKeys keysB = await(Crypto.open(vertx, store, Keyring.of(master, List.of())).keys(SealContext.SYSTEM));
    assertArrayEquals(keysA.macKey(id, "hls-session").getEncoded(), keysB.macKey(id, "hls-session").getEncoded());
    assertEquals("HmacSHA256", keysA.macKey(id, "hls-session").getAlgorithm());
    assertEquals(32, keysA.macKey(id, "hls-session").getEncoded().length);
    assertNotEquals(java.util.HexFormat.of().formatHex(keysA.macKey(id, "hls-session").getEncoded()),
        java.util.HexFormat.of().formatHex(keysA.macKey(id, "dash-session").getEncoded()));
    String rotated = await(a.rotateDataKey(SealContext.SYSTEM));
    ScopeKeys after = await(a.keys(SealContext.SYSTEM));
    assertNotEquals(java.util.HexFormat.of().formatHex(after.macKey(id, "hls-session").getEncoded()),
        java.util.HexFormat.of().formatHex(after.macKey(rotated, "hls-session").getEncoded()));
    assertArrayEquals(keysA.macKey(id, "hls-session").getEncoded(), after.macKey(id, "hls-session").getEncoded(),
        "an older data key keeps deriving the key it did");
    assertEquals(StoreException.Kind.INTEGRITY,
        assertThrows(StoreException.class, () -> keysA.macKey("0000000000000-00000000", "hls-session")).kind());
  }

  @Test
  void streamingSealDetectsReorderingAndTheLastFlag() {
    Crypto crypto = Crypto.open(vertx, store, Keyring.of(Base64.getEncoder().encodeToString(Aead.random(32)), List.of()));
    ScopeKeys keys = await(crypto.keys("s"));
    SealContext ctx = new SealContext("s", "chunk", "1");
    StreamingSeal w = keys.chunkSealer(ctx);
    byte[] p0 = Aead.random(StreamingSeal.SEGMENT_SIZE);
    byte[] c0 = new byte[p0.length + 16];
    w.seal(0, false, null, p0, 0, p0.length, c0, 0);
    StreamingSeal r = keys.chunkOpener(ctx, w.prefix());
    byte[] out = new byte[p0.length];
    r.open(0, false, null, c0, 0, c0.length, out, 0);
    assertArrayEquals(p0, out);
    assertThrows(StoreException.class, () -> r.open(1, false, null, c0, 0, c0.length, out, 0));
    assertThrows(StoreException.class, () -> r.open(0, true, null, c0, 0, c0.length, out, 0));
    assertThrows(StoreException.class, () -> r.open(0, false, new byte[] {1}, c0, 0, c0.length, out, 0));
    assertThrows(StoreException.class, () -> keys.chunkOpener(new SealContext("s", "chunk", "2"), w.prefix())
        .open(0, false, null, c0, 0, c0.length, out, 0));
  }

  @Test
  void anEphemeralSealOpensOnlyItsOwnSegmentsInPlace() {
    StreamingSeal seal = StreamingSeal.ephemeral("spool");
    byte[] plain = Aead.random(1000);
    byte[] sealed = new byte[plain.length + 16];
    seal.seal(3, true, null, plain, 0, plain.length, sealed, 0);
    byte[] out = new byte[plain.length];
    seal.open(3, true, null, sealed, 0, sealed.length, out, 0);
    assertArrayEquals(plain, out);
    assertEquals(0, seal.prefix().length, "nothing of the key goes to disk");
    assertThrows(StoreException.class, () -> StreamingSeal.ephemeral("spool").open(3, true, null, sealed, 0,
        sealed.length, out, 0), "another upload's key");
    assertThrows(StoreException.class, () -> seal.open(2, true, null, sealed, 0, sealed.length, out, 0), "moved");
    sealed[10] ^= 1;
    assertThrows(StoreException.class, () -> seal.open(3, true, null, sealed, 0, sealed.length, out, 0), "altered");
  }

  /** A segment sealed from the pieces it is made of (heap, direct, empty) opens as the whole segment. */
  @Test
  void aSegmentSealedFromPiecesOpensAsTheWholeSegment() {
    StreamingSeal seal = StreamingSeal.ephemeral("pieces");
    byte[] plain = Aead.random(StreamingSeal.SEGMENT_SIZE);
    Random random = new Random(19);
    for (int round = 0; round < 20; round++) {
      List<ByteBuffer> parts = new ArrayList<>();
      int pos = 0;
      while (pos < plain.length) {
        int n = Math.min(plain.length - pos, random.nextInt(round % 2 == 0 ? 40 : 20_000));
        ByteBuffer part = random.nextInt(4) == 0
            ? ByteBuffer.allocateDirect(n).put(plain, pos, n).flip()
            : ByteBuffer.wrap(plain, pos, n).slice();
        parts.add(part);
        pos += n;
      }
      byte[] pieces = new byte[plain.length + 16];
      assertEquals(pieces.length, seal.seal(round, false, null, parts.toArray(ByteBuffer[]::new), pieces, 0));
      byte[] opened = new byte[plain.length];
      seal.open(round, false, null, pieces, 0, pieces.length, opened, 0);
      assertArrayEquals(plain, opened, "round " + round);
      assertEquals(0, parts.get(0).position(), "the pieces' positions are left alone");
    }
  }

  @Test
  void streamingSealOpensFromAndIntoHeapAndDirectBuffersAtAnyPosition() {
    Crypto crypto = Crypto.open(vertx, store, Keyring.of(Base64.getEncoder().encodeToString(Aead.random(32)), List.of()));
    ScopeKeys keys = await(crypto.keys("s"));
    SealContext ctx = new SealContext("s", "chunk", "1");
    StreamingSeal w = keys.chunkSealer(ctx);
    StreamingSeal r = keys.chunkOpener(ctx, w.prefix());
    int index = 0;
    for (int len : new int[] {0, 1, 4095, StreamingSeal.SEGMENT_SIZE}) {
      int i = index++; // a GCM key never seals twice under one nonce
      byte[] plain = Aead.random(len);
      byte[] sealed = new byte[len + 16];
      w.seal(i, false, null, plain, 0, len, sealed, 0);
      for (boolean directIn : new boolean[] {false, true}) {
        for (boolean directOut : new boolean[] {false, true}) {
          String what = "len " + len + " directIn " + directIn + " directOut " + directOut;
          ByteBuffer in = (directIn ? ByteBuffer.allocateDirect(len + 16 + 9)
              : ByteBuffer.allocate(len + 16 + 9)).position(7).put(sealed).flip().position(7);
          ByteBuffer out = directOut ? ByteBuffer.allocateDirect(len + 5)
              : ByteBuffer.allocate(len + 5);
          out.position(5);
          assertEquals(len, r.open(i, false, null, in.duplicate(), out), what);
          assertEquals(len + 5, out.position(), what);
          byte[] got = new byte[len];
          out.position(5);
          out.get(got);
          assertArrayEquals(plain, got, what);
          ByteBuffer tampered = in.duplicate();
          tampered.put(7 + len / 2, (byte) (tampered.get(7 + len / 2) ^ 1));
          ByteBuffer out2 = ByteBuffer.allocate(len);
          assertEquals(StoreException.Kind.INTEGRITY,
              assertThrows(StoreException.class, () -> r.open(i, false, null, tampered, out2)).kind(), what);
          assertEquals(StoreException.Kind.INTEGRITY,
              assertThrows(StoreException.class, () -> r.open(i + 1, false, null, in.duplicate(), out2)).kind(), what);
        }
      }
    }
  }
}
