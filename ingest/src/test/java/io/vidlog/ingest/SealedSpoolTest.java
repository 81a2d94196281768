package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.object.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sealed spool of a progressive MP4 upload: no plaintext on disk, random access, tamper evidence. */
class SealedSpoolTest {
  private static final int SEGMENT = SealedSpool.SEGMENT;
  @TempDir
  Path dir;

  /** Spools {@code plain} in pieces of {@code piece} bytes; returns the spool, its file written. */
  private SealedSpool spool(byte[] plain, int piece, Path file) throws IOException {
    SealedSpool spool = new SealedSpool("test spool");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int off = 0; off < plain.length; off += piece) {
      spool.add(ByteBuffer.wrap(plain, off, Math.min(piece, plain.length - off)), b -> out.writeBytes(b.getBytes()));
    }
    out.writeBytes(spool.finish().getBytes());
    Files.write(file, out.toByteArray());
    return spool;
  }

  private static byte[] readAll(SealedSpool.Reader r, long from, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    r.position(from);
    while (b.hasRemaining() && r.read(b) >= 0) {
      // a read returns at most the rest of one segment
    }
    return b.array();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void everyOffsetReadsBackAtEveryLengthAndPieceSize() throws IOException {
    for (int length : new int[] {0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 5}) {
      for (int piece : new int[] {1, 1000, SEGMENT, 3 * SEGMENT}) {
        if (piece == 1 && length > 2 * SEGMENT) {
          continue; // byte by byte through the smaller lengths already crosses every boundary
        }
        byte[] plain = random(length, length * 31L + piece);
        Path file = dir.resolve("s-" + length + "-" + piece);
        SealedSpool spool = spool(plain, piece, file);
        long segments = Math.max(1, (length + SEGMENT - 1) / SEGMENT);
        assertEquals(length + 16 * segments, Files.size(file), "each segment grows by its tag only");
        try (SealedSpool.Reader r = spool.reader(file)) {
          assertEquals(length, r.size());
          assertArrayEquals(plain, readAll(r, 0, length), "length " + length + " piece " + piece);
          Random at = new Random(length);
          for (int i = 0; i < 20 && length > 0; i++) {
            int from = at.nextInt(length);
            int n = Math.min(length - from, 1 + at.nextInt(3 * SEGMENT));
            byte[] expected = java.util.Arrays.copyOfRange(plain, from, from + n);
            assertArrayEquals(expected, readAll(r, from, n), "from " + from + " n " + n);
          }
          assertEquals(-1, r.position(length).read(ByteBuffer.allocate(1)));
        }
      }
    }
  }

  @Test
  void theFileHoldsNoPlaintext() throws IOException {
    byte[] marker = "PLAINTEXT-MARKER-".getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    while (plain.size() < 5 * SEGMENT) {
      plain.writeBytes(marker);
    }
    Path file = dir.resolve("marked");
    spool(plain.toByteArray(), 4096, file);
    String onDisk = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertEquals(-1, onDisk.indexOf("PLAINTEXT"));
    assertEquals(-1, onDisk.indexOf("MARKER"));
  }

  @Test
  void anAlteredOrCutSpoolDoesNotRead() throws IOException {
    byte[] plain = random(3 * SEGMENT, 7);
    Path file = dir.resolve("tampered");
    SealedSpool spool = spool(plain, SEGMENT, file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(SealedSpool.SEALED_SEGMENT + 100); // a byte of the second segment
      int b = f.read();
      f.seek(SealedSpool.SEALED_SEGMENT + 100);
      f.write(b ^ 1);
    }
    try (SealedSpool.Reader r = spool.reader(file)) {
      assertArrayEquals(java.util.Arrays.copyOf(plain, 100), readAll(r, 0, 100), "the first segment is intact");
      StoreException e = assertThrows(StoreException.class, () -> readAll(r, SEGMENT + 5, 10));
      assertEquals(StoreException.Kind.INTEGRITY, e.kind());
    }
    Path cut = dir.resolve("cut");
    SealedSpool whole = spool(plain, SEGMENT, cut);
    try (RandomAccessFile f = new RandomAccessFile(cut.toFile(), "rw")) {
      f.setLength(2L * SealedSpool.SEALED_SEGMENT); // the last segment is gone
    }
    try (SealedSpool.Reader r = whole.reader(cut)) {
      assertThrows(IOException.class, () -> readAll(r, 2L * SEGMENT, 10));
    }
  }

  @Test
  void smallReadsAlternatingBetweenTwoRegionsDecryptEachSegmentOnce() throws IOException {
    byte[] plain = random(16 * SEGMENT, 3);
    Path file = dir.resolve("interleaved");
    SealedSpool spool = spool(plain, SEGMENT, file);
    try (SealedSpool.Reader r = spool.reader(file)) {
      // two tracks' samples of about 200 bytes, read in turn, as the demuxer does
      int reads = 0;
      for (long a = 0, b = 8L * SEGMENT; a < 4L * SEGMENT; a += 200, b += 200) {
        assertArrayEquals(java.util.Arrays.copyOfRange(plain, (int) a, (int) a + 200), readAll(r, a, 200));
        assertArrayEquals(java.util.Arrays.copyOfRange(plain, (int) b, (int) b + 200), readAll(r, b, 200));
        reads += 2;
      }
      assertTrue(reads > 2_000);
      assertEquals(10, r.segmentsOpened(), "segments 0-4 and 8-12, each decrypted once (reads cross into a fifth)");
    }
  }

  @Test
  void theReaderWaitsForTheLastSegment() {
    SealedSpool spool = new SealedSpool("open");
    spool.add(ByteBuffer.wrap(new byte[10]), (Buffer b) -> { });
    assertThrows(IllegalStateException.class, () -> spool.reader(dir.resolve("none")));
  }
}
