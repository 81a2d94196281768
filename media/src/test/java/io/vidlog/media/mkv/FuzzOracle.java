package io.vidlog.media.mkv;

import io.vidlog.media.MediaFormatException;
import java.util.List;

/**
 * The property every fuzzed or mutated input must satisfy: reading it throws nothing but
 * {@link MediaFormatException} (no OOM, no index errors, no hang, since limits are small and every byte is
 * consumed once), and reading it whole and split gives the same events and the same error.
 */
final class FuzzOracle {
  /** Small limits so a lying size can never allocate much. */
  static final MkvLimits LIMITS = new MkvLimits(256 * 1024, 64 * 1024, 16, 8);

  private FuzzOracle() {}

  static void check(byte[] input, long splitSeed) {
    check(input, splitSeed, true);
  }

  static void check(byte[] input, long splitSeed, boolean bytewiseToo) {
    String whole = Feeds.whole(input, LIMITS);
    String split = Feeds.run(input, Feeds.random(input.length, splitSeed), LIMITS);
    if (!whole.equals(split)) {
      throw new AssertionError("whole and split reads differ:\n--- whole\n" + whole + "--- split\n" + split);
    }
    String bytewise = bytewiseToo && input.length <= 4096 ? Feeds.run(input, Feeds.fixed(input.length, 1), LIMITS) : whole;
    if (!whole.equals(bytewise)) {
      throw new AssertionError("whole and byte-by-byte reads differ:\n--- whole\n" + whole + "--- bytes\n" + bytewise);
    }
  }

  /** Seeds: the small fixtures. */
  static List<byte[]> seeds() {
    return List.of(TestStreams.kvsProducer(), TestStreams.getMediaChunks(), TestStreams.knownSizesAndFeatures(),
        DumpAsserts.resource("mkv/ffmpeg-live.mkv"), DumpAsserts.resource("mkv/mkvmerge-laced.mkv"));
  }
}
