package io.vidlog.fragmentstore.chunk;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Stored chunks altered behind the store's back (flipped bytes, swapped or copied objects,
 * reordered or dropped segments): every read must fail with INTEGRITY and say which chunk.
 */
class ChunkTamperTest extends ArchiveFixture {
  private static final int SEG = StreamingSeal.SEGMENT_SIZE;
  private final StreamInfo a = stream("tamper-a");
  private final StreamInfo b = stream("tamper-b");

  private Path file(StreamInfo s, FragmentNumber n) {
    return dataDir.resolve("objects").resolve(SealedFragmentArchive.objectKey(s, n));
  }

  private void assertIntegrity(StreamInfo s, FragmentNumber n, String why) {
    StoreException e = assertThrows(StoreException.class, () -> read(s, n), why);
    assertEquals(StoreException.Kind.INTEGRITY, e.kind(), why + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(n.value()),
        why + ": message should name the chunk: " + e.getMessage());
  }

  @Test
  void flippingAnySampledByteFailsIntegrity() throws Exception {
    byte[] mkv = randomBytes(3 * SEG + 100, 1);
    store(a, fn(1), mkv);
    Path f = file(a, fn(1));
    byte[] original = Files.readAllBytes(f);
    TreeSet<Integer> positions = new TreeSet<>();
    for (int i = 0; i < StreamingSeal.PREFIX_LENGTH; i++) {
      positions.add(i); // every prefix byte, including key-id padding
    }
    for (int i = original.length - 200; i < original.length; i++) {
      positions.add(i); // header record and footer
    }
    Random r = new Random(5);
    for (int i = 0; i < 40; i++) {
      positions.add(StreamingSeal.PREFIX_LENGTH + r.nextInt(original.length - StreamingSeal.PREFIX_LENGTH));
    }
    positions.add(StreamingSeal.PREFIX_LENGTH + SEG + 16 + SEG); // a tag byte of segment 1
    for (int pos : positions) {
      byte[] bad = original.clone();
      bad[pos] ^= 0x01;
      Files.write(f, bad);
      assertIntegrity(a, fn(1), "byte " + pos + " flipped");
    }
    Files.write(f, original);
    assertArrayEquals(mkv, read(a, fn(1)));
  }

  @Test
  void swappingTwoChunksOfAStreamFailsBoth() throws Exception {
    store(a, fn(1), randomBytes(1000, 1));
    store(a, fn(2), randomBytes(1000, 2));
    byte[] one = Files.readAllBytes(file(a, fn(1)));
    Files.copy(file(a, fn(2)), file(a, fn(1)), StandardCopyOption.REPLACE_EXISTING);
    Files.write(file(a, fn(2)), one);
    assertIntegrity(a, fn(1), "swapped");
    assertIntegrity(a, fn(2), "swapped");
  }

  @Test
  void copyToAnotherFragmentNumberFails() throws Exception {
    store(a, fn(1), randomBytes(5000, 1));
    Files.copy(file(a, fn(1)), file(a, fn(9)));
    assertIntegrity(a, fn(9), "replayed under another number");
    assertEquals(StoreException.Kind.INTEGRITY,
        assertThrows(StoreException.class, () -> on(() -> archive.header(a, fn(9)))).kind());
  }

  @Test
  void copyToAnotherStreamFails() throws Exception {
    store(a, fn(1), randomBytes(5000, 1));
    store(b, fn(2), randomBytes(10, 2)); // stream b has its own data key
    Files.createDirectories(file(b, fn(1)).getParent());
    Files.copy(file(a, fn(1)), file(b, fn(1)));
    assertIntegrity(b, fn(1), "copied to another stream");
  }

  @Test
  void reorderedSegmentsFail() throws Exception {
    store(a, fn(1), randomBytes(3 * SEG + 100, 3));
    Path f = file(a, fn(1));
    byte[] bytes = Files.readAllBytes(f);
    int sealed = SEG + StreamingSeal.TAG_BYTES;
    int s0 = StreamingSeal.PREFIX_LENGTH;
    byte[] seg0 = java.util.Arrays.copyOfRange(bytes, s0, s0 + sealed);
    System.arraycopy(bytes, s0 + sealed, bytes, s0, sealed);
    System.arraycopy(seg0, 0, bytes, s0 + sealed, sealed);
    Files.write(f, bytes);
    assertIntegrity(a, fn(1), "segments 0 and 1 swapped");
  }

  @Test
  void truncatedOrExtendedChunksFail() throws Exception {
    store(a, fn(1), randomBytes(2 * SEG, 4));
    Path f = file(a, fn(1));
    byte[] bytes = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 1));
    assertIntegrity(a, fn(1), "truncated by one byte");
    // drop the last MKV segment and fix the footer's length: the header record's nonce and AAD still catch it
    int sealed = SEG + StreamingSeal.TAG_BYTES;
    int headerAt = StreamingSeal.PREFIX_LENGTH + 2 * sealed;
    byte[] dropped = new byte[bytes.length - sealed];
    System.arraycopy(bytes, 0, dropped, 0, StreamingSeal.PREFIX_LENGTH + sealed);
    System.arraycopy(bytes, headerAt, dropped, StreamingSeal.PREFIX_LENGTH + sealed, bytes.length - headerAt);
    java.nio.ByteBuffer.wrap(dropped, dropped.length - ChunkLayout.FOOTER_LENGTH, 8).putLong(SEG);
    Files.write(f, dropped);
    assertIntegrity(a, fn(1), "last segment dropped, footer adjusted");
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    Files.write(f, longer);
    assertIntegrity(a, fn(1), "one byte appended");
  }

  @Test
  void tamperedDataKeyFailsToLoad() throws Exception {
    store(a, fn(1), randomBytes(10, 1));
    Path keys = dataDir.resolve("objects/streams/" + a.streamId() + "/keys");
    Path key;
    try (var files = Files.list(keys)) {
      key = files.findFirst().orElseThrow();
    }
    byte[] k = Files.readAllBytes(key);
    k[k.length - 3] ^= 0x40;
    Files.write(key, k);
    crypto.forget(a.streamId());
    StoreException e = assertThrows(StoreException.class, () -> read(a, fn(1)));
    assertEquals(StoreException.Kind.INTEGRITY, e.kind());
    assertTrue(e.getMessage().contains("data key"), e.getMessage());
  }

  @Test
  void untamperedChunkStillReads() {
    byte[] mkv = randomBytes(SEG + 1, 8);
    store(a, fn(1), mkv);
    assertArrayEquals(mkv, read(a, fn(1)));
    assertEquals(mkv.length, await(store.get(SealedFragmentArchive.objectKey(a, fn(1)))).length()
        - StreamingSeal.PREFIX_LENGTH - 2 * StreamingSeal.TAG_BYTES - ChunkLayout.FOOTER_LENGTH
        - StreamingSeal.sealedLength(ChunkHeaderCodec.encode(header(fn(1), mkv.length)).length));
  }
}
