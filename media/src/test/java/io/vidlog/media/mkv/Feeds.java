package io.vidlog.media.mkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vidlog.media.MediaFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The perturbation matrix of docs/architecture.md §Testing (Netty/Media3 style): the same input fed whole, one
 * byte at a time, at every chunk size, split in two at every offset, and at seeded random splits.
 * Every way must give the same dump (or the same typed error).
 */
final class Feeds {
  /** Chunk sizes 1..this are all tried; beyond it, sizes grow geometrically. */
  static final int ALL_SIZES_UP_TO = 128;
  static final int RANDOM_SPLITS = 20;

  private Feeds() {}

  /** The outcome of one run: the dump followed by the error, if any. */
  static String run(byte[] input, List<Integer> chunkSizes, MkvLimits limits) {
    DumpHandler h = new DumpHandler();
    MkvReader r = new MkvReader(h, limits);
    try {
      int off = 0;
      // Each slice is a copy inside a larger array at a non-zero offset, like a Netty buffer slice,
      // so that a reader keeping a view beyond the call would see the bytes change.
      byte[] framed = new byte[input.length + 6];
      for (int n : chunkSizes) {
        System.arraycopy(input, off, framed, 3, n);
        r.feed(ByteBuffer.wrap(framed, 3, n).slice());
        java.util.Arrays.fill(framed, 3, 3 + n, (byte) 0x5A);
        off += n;
      }
      if (off != input.length) {
        throw new AssertionError("chunks cover " + off + " of " + input.length);
      }
      assertEquals(input.length, r.bytesConsumed());
      r.end();
      return h.dump();
    } catch (MediaFormatException e) {
      return h.dump() + "error " + e.kind() + " @" + e.offset() + ": " + e.getMessage() + "\n";
    }
  }

  static String whole(byte[] input, MkvLimits limits) {
    DumpHandler h = new DumpHandler();
    MkvReader r = new MkvReader(h, limits);
    try {
      r.feed(ByteBuffer.wrap(input));
      r.end();
      return h.dump();
    } catch (MediaFormatException e) {
      return h.dump() + "error " + e.kind() + " @" + e.offset() + ": " + e.getMessage() + "\n";
    }
  }

  static List<Integer> fixed(int length, int size) {
    List<Integer> l = new ArrayList<>();
    for (int off = 0; off < length; off += size) {
      l.add(Math.min(size, length - off));
    }
    return l;
  }

  static List<Integer> random(int length, long seed) {
    Random rnd = new Random(seed);
    List<Integer> l = new ArrayList<>();
    int off = 0;
    while (off < length) {
      int n = Math.min(length - off, rnd.nextInt(4) == 0 ? rnd.nextInt(8) + 1 : rnd.nextInt(2048) + 1);
      l.add(n);
      off += n;
    }
    return l;
  }

  /** All chunkings of the matrix, each with a readable name. */
  static List<Object[]> matrix(int length) {
    List<Object[]> runs = new ArrayList<>();
    for (int size = 1; size <= Math.min(length, ALL_SIZES_UP_TO); size++) {
      runs.add(new Object[] {"chunks of " + size, fixed(length, size)});
    }
    for (long size = ALL_SIZES_UP_TO + 1; size < length; size = size * 5 / 4 + 1) {
      runs.add(new Object[] {"chunks of " + size, fixed(length, (int) size)});
    }
    // Two pieces at every offset for small inputs; at a stride (still hitting every phase) for larger ones.
    int stride = Math.max(1, length / 600);
    for (int split = 1; split < length; split += stride) {
      runs.add(new Object[] {"split at " + split, List.of(split, length - split)});
    }
    for (long seed = 1; seed <= RANDOM_SPLITS; seed++) {
      runs.add(new Object[] {"random splits seed " + seed, random(length, seed)});
    }
    return runs;
  }

  /** Runs the whole matrix and asserts every run gives {@code expected}; returns it. */
  @SuppressWarnings("unchecked")
  static void assertAllSplits(byte[] input, MkvLimits limits, String expected) {
    for (Object[] run : matrix(input.length)) {
      String got = run(input, (List<Integer>) run[1], limits);
      if (!got.equals(expected)) {
        fail("fed as " + run[0] + ", the dump differs from the whole-buffer dump:\n--- whole\n" + expected
            + "--- " + run[0] + "\n" + got);
      }
    }
  }
}
