package io.vidlog.media.mkv;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation test that runs in CI next to the Jazzer target: a bounded number of mutated
 * fixtures (bit flips, interesting bytes at vint positions, inserted and deleted runs, truncations,
 * splices) through {@link FuzzOracle}. A failing input is printed in hex; keep it as a regression
 * input under {@code MkvReaderFuzzTestInputs/fuzz/}.
 */
class MkvReaderMutationTest {
  static final int INPUTS = Integer.getInteger("vidlog.mutations", 10_000);
  private static final byte[] INTERESTING = {0, 1, (byte) 0x80, (byte) 0x81, 0x7F, (byte) 0xFF, (byte) 0xFE, 0x40,
      0x10, 0x08, 0x02, 0x04, 0x06};

  /** Override the count with {@code -Dvidlog.mutations=N} (e.g. a million overnight). */
  @Test
  void mutatedFixturesGiveOnlyTypedErrorsAndSplitIndependentResults() {
    List<byte[]> seeds = FuzzOracle.seeds();
    Random rnd = new Random(20261122);
    for (int i = 0; i < INPUTS; i++) {
      byte[] input = mutate(seeds.get(rnd.nextInt(seeds.size())), seeds, rnd);
      try {
        FuzzOracle.check(input, i, i % 16 == 0);
      } catch (Throwable t) {
        throw new AssertionError("mutation " + i + " failed; input (" + input.length + " bytes): "
            + java.util.HexFormat.of().formatHex(input), t);
      }
    }
  }

  static byte[] mutate(byte[] seed, List<byte[]> seeds, Random rnd) {
    byte[] b = seed.clone();
    int edits = 1 + rnd.nextInt(4);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(7)) {
        case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
        case 1 -> b[at] = INTERESTING[rnd.nextInt(INTERESTING.length)];
        case 2 -> {
          int n = Math.min(b.length - at, 1 + rnd.nextInt(8));
          for (int k = 0; k < n; k++) {
            b[at + k] = (byte) 0xFF;
          }
        }
        case 3 -> b = Arrays.copyOf(b, at); // truncate
        case 4 -> { // delete a run
          int n = Math.min(b.length - at, 1 + rnd.nextInt(16));
          byte[] c = new byte[b.length - n];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + n, c, at, b.length - at - n);
          b = c;
        }
        case 5 -> { // duplicate a run
          int n = Math.min(b.length - at, 1 + rnd.nextInt(64));
          byte[] c = new byte[b.length + n];
          System.arraycopy(b, 0, c, 0, at + n);
          System.arraycopy(b, at, c, at + n, b.length - at);
          b = c;
        }
        default -> { // splice in a run of another seed
          byte[] o = seeds.get(rnd.nextInt(seeds.size()));
          int from = rnd.nextInt(o.length);
          int n = Math.min(Math.min(o.length - from, b.length - at), 1 + rnd.nextInt(32));
          System.arraycopy(o, from, b, at, n);
        }
      }
    }
    return b;
  }
}
