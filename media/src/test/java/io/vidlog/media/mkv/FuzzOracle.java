package io.vidlog.media.mkv;

import io.vidlog.media.AllocationMeter;
import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The properties every fuzzed or mutated input must satisfy: reading it throws nothing but
 * {@link MediaFormatException} (no OOM, no index errors, no hang, since limits are small and every
 * byte is consumed once); reading it whole and split gives the same events and the same error; the
 * reader's buffers hold at most about twice the bytes fed so far, exactly what its budget was
 * charged, and nothing once it ended or failed; a tight budget changes nothing but adding an
 * OVER_BUDGET error; and checking an input allocates at most a few dozen times its size, whatever
 * sizes it declares.
 */
final class FuzzOracle {
  /** Small limits so a lying size can never allocate much. */
  static final MkvLimits LIMITS = new MkvLimits(256 * 1024, 64 * 1024, 16, 8);

  private FuzzOracle() {}

  static void check(byte[] input, long splitSeed) {
    check(input, splitSeed, true);
  }

  static void check(byte[] input, long splitSeed, boolean bytewiseToo) {
    // every read of the input together: a few dozen times its size plus the small limits' worth
    AllocationMeter.assertAllocatesAtMost(64L * input.length + (16 << 20), "reading " + input.length + " bytes",
        () -> checkOnce(input, splitSeed, bytewiseToo));
  }

  private static void checkOnce(byte[] input, long splitSeed, boolean bytewiseToo) {
    String whole = Feeds.whole(input, LIMITS);
    String split = Feeds.run(input, Feeds.random(input.length, splitSeed), LIMITS);
    if (!whole.equals(split)) {
      throw new AssertionError("whole and split reads differ:\n--- whole\n" + whole + "--- split\n" + split);
    }
    String bytewise = bytewiseToo && input.length <= 4096 ? Feeds.run(input, Feeds.fixed(input.length, 1), LIMITS) : whole;
    if (!whole.equals(bytewise)) {
      throw new AssertionError("whole and byte-by-byte reads differ:\n--- whole\n" + whole + "--- bytes\n" + bytewise);
    }
    String budgeted = budgeted(input, splitSeed, ByteBudget.of("fuzz", Long.MAX_VALUE));
    if (!whole.equals(budgeted)) {
      throw new AssertionError("a budget changed the read:\n--- whole\n" + whole + "--- budgeted\n" + budgeted);
    }
    ByteBudget tight = ByteBudget.of("tight", 1024 + Math.floorMod(splitSeed * 7919, 16 * 1024));
    String refused = budgeted(input, splitSeed, tight);
    if (!refused.equals(whole) && !(refused.contains("error OVER_BUDGET") && whole.startsWith(events(refused)))) {
      throw new AssertionError("a tight budget did more than refuse:\n--- whole\n" + whole + "--- " + tight.name()
          + " " + tight.limit() + "\n" + refused);
    }
  }

  /** At most this much beyond twice the bytes fed: the first allocations of three buffers. */
  private static final int FIRST_ALLOCATIONS = 3 * 4096;

  /** Reads at seeded random splits under {@code budget}, checking what the reader holds after every slice. */
  private static String budgeted(byte[] input, long seed, ByteBudget budget) {
    DumpHandler h = new DumpHandler();
    MkvReader r = new MkvReader(h, LIMITS, budget);
    String outcome;
    try {
      long fed = 0;
      for (int n : Feeds.random(input.length, seed)) {
        r.feed(ByteBuffer.wrap(input, (int) fed, n).slice());
        fed += n;
        long held = r.bufferedBytes();
        if (held != budget.used() || held > 2 * fed + FIRST_ALLOCATIONS) {
          throw new AssertionError("after " + fed + " bytes the reader holds " + held + ", its budget was charged "
              + budget.used());
        }
      }
      r.end();
      outcome = h.dump();
    } catch (MediaFormatException e) {
      outcome = h.dump() + "error " + e.kind() + " @" + e.offset() + ": " + e.getMessage() + "\n";
    }
    if (budget.used() != 0 || r.bufferedBytes() != 0) {
      throw new AssertionError("an ended or failed reader still holds " + budget.used() + " bytes");
    }
    return outcome;
  }

  /** The events of an outcome, without its error line. */
  private static String events(String outcome) {
    int error = outcome.lastIndexOf("error ");
    return error < 0 ? outcome : outcome.substring(0, error);
  }

  /** Seeds: the small fixtures. */
  static List<byte[]> seeds() {
    return List.of(TestStreams.kvsProducer(), TestStreams.getMediaChunks(), TestStreams.knownSizesAndFeatures(),
        DumpAsserts.resource("mkv/ffmpeg-live.mkv"), DumpAsserts.resource("mkv/mkvmerge-laced.mkv"));
  }
}
