package io.vidlog.media.mp4;

import io.vidlog.media.AllocationMeter;
import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The properties every fuzzed MP4 input must satisfy, for both demuxers: nothing is thrown but
 * {@link MediaFormatException}; every sample handed out lies inside the input, is no larger than
 * the limit and carries exactly the input's bytes at its offset; samples come in input order
 * without overlapping (streaming) or in decode-time order (file); what the demuxer holds is exactly
 * what its budget was charged, stays within twice the bytes pushed plus its sample list (streaming),
 * and goes back in full at the end, on failure and on close; a tight budget changes nothing but
 * adding an OVER_BUDGET error; the streaming demuxer gives the same result whole and split; and
 * checking an input allocates at most a few dozen times its size, whatever sizes it declares (a
 * library's allocations count too).
 */
final class Mp4FuzzOracle {
  /** Small limits so a lying size or count can never cost much. */
  static final Mp4Limits LIMITS = new Mp4Limits(1 << 16, 1 << 16, 1 << 12, 1000);
  /** The streaming demuxer's first allocations (a box, a split sample) beyond twice what arrived. */
  private static final int FIRST_ALLOCATIONS = 2 * 4096;

  private Mp4FuzzOracle() {}

  // ---- streaming (fragmented MP4) ----

  /**
   * What checking one input may allocate in all (its copies, dumps and every demuxer run), however
   * large the sizes it declares: a few dozen times the input plus the small limits' worth.
   */
  static long allocationBound(byte[] input) {
    return 64L * input.length + (16 << 20);
  }

  static void checkFragmented(byte[] input) {
    AllocationMeter.assertAllocatesAtMost(allocationBound(input), "demuxing " + input.length + " bytes",
        () -> checkFragmentedOnce(input));
  }

  private static void checkFragmentedOnce(byte[] input) {
    String whole = fragmented(input, List.of(input.length), ByteBudget.of("fuzz", Long.MAX_VALUE));
    String split = fragmented(input, splits(input.length, input.length), ByteBudget.of("fuzz", Long.MAX_VALUE));
    if (!whole.equals(split)) {
      throw new AssertionError("whole and split demuxes differ:\n--- whole\n" + whole + "--- split\n" + split);
    }
    ByteBudget tight = tight(input.length);
    String refused = fragmented(input, splits(input.length, input.length + 1L), tight);
    checkRefusal(whole, refused, tight);
  }

  private static String fragmented(byte[] input, List<Integer> slices, ByteBudget budget) {
    StringBuilder out = new StringBuilder();
    long[] pushed = {0};
    long[] lastEnd = {0};
    FragmentedMp4Demuxer d = new FragmentedMp4Demuxer(new Mp4Handler() {
      @Override
      public void onTracks(List<Mp4Track> tracks) {
        tracks.forEach(t -> out.append("track ").append(t.trackId()).append(' ').append(t.codecId()).append('\n'));
      }

      @Override
      public void onSample(Mp4Sample s) {
        checkSample(input, s, pushed[0]);
        if (s.offset() < lastEnd[0]) {
          throw new AssertionError("sample at " + s.offset() + " overlaps or precedes the previous one, which ends at "
              + lastEnd[0]);
        }
        lastEnd[0] = s.offset() + s.payload().remaining();
        out.append(line(s));
      }
    }, LIMITS, budget);
    try {
      int off = 0;
      for (int n : slices) {
        pushed[0] = off + n;
        d.push(ByteBuffer.wrap(input, off, n).slice());
        off += n;
        long held = d.bufferedBytes();
        long bound = 2L * off + FIRST_ALLOCATIONS + (long) FragmentedMp4Demuxer.PENDING_BYTES
            * LIMITS.maxSamplesPerFragment();
        if (held != budget.used() || held > bound) {
          throw new AssertionError("after " + off + " bytes the demuxer holds " + held + ", its budget was charged "
              + budget.used());
        }
      }
      d.end();
      out.append("end\n");
    } catch (MediaFormatException e) {
      out.append(error(e));
    }
    assertReturned(budget, d.bufferedBytes());
    return out.toString();
  }

  // ---- file (progressive MP4) ----

  static void checkProgressive(byte[] input, Path file) {
    AllocationMeter.assertAllocatesAtMost(allocationBound(input), "demuxing " + input.length + " bytes",
        () -> checkProgressiveOnce(input, file));
  }

  private static void checkProgressiveOnce(byte[] input, Path file) {
    try {
      Files.write(file, input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String all = progressive(input, file, ByteBudget.of("fuzz", Long.MAX_VALUE));
    ByteBudget tight = tight(input.length);
    checkRefusal(all, progressive(input, file, tight), tight);
  }

  private static String progressive(byte[] input, Path file, ByteBudget budget) {
    StringBuilder out = new StringBuilder();
    Mp4FileDemuxer d = null;
    try {
      d = Mp4FileDemuxer.open(file, LIMITS, budget);
      Map<Integer, Long> timescales = new HashMap<>();
      Map<Integer, Integer> counts = new HashMap<>();
      for (Mp4Track t : d.tracks()) {
        timescales.put(t.trackId(), t.timescale());
        out.append("track ").append(t.trackId()).append(' ').append(t.codecId()).append('\n');
      }
      double last = Double.NEGATIVE_INFINITY;
      for (Mp4Sample s = d.next(); s != null; s = d.next()) {
        checkSample(input, s, input.length);
        // decode order across tracks: the demuxer interleaves by decode time
        double time = (double) s.decodeTime() / timescales.get(s.trackId());
        if (time < last) {
          throw new AssertionError("sample at " + time + " s after one at " + last + " s");
        }
        last = time;
        if (counts.merge(s.trackId(), 1, Integer::sum) > LIMITS.maxSamplesPerTrack()) {
          throw new AssertionError("more samples than maxSamplesPerTrack on track " + s.trackId());
        }
        if (d.bufferedBytes() != budget.used()) {
          throw new AssertionError("the demuxer holds " + d.bufferedBytes() + ", its budget was charged "
              + budget.used());
        }
        out.append(line(s));
      }
      out.append("end\n");
    } catch (MediaFormatException e) {
      out.append(error(e));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (d != null) {
        try {
          d.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    assertReturned(budget, 0);
    return out.toString();
  }

  // ---- shared ----

  /** A sample's bytes lie inside what the demuxer was given and are those bytes. */
  private static void checkSample(byte[] input, Mp4Sample s, long available) {
    int size = s.payload().remaining();
    if (size > LIMITS.maxSampleBytes() || s.offset() < 0 || s.offset() + size > available) {
      throw new AssertionError("sample of " + size + " bytes at " + s.offset() + " with " + available
          + " bytes of input");
    }
    byte[] got = new byte[size];
    s.payload().duplicate().get(got);
    if (!Arrays.equals(got, 0, size, input, (int) s.offset(), (int) s.offset() + size)) {
      throw new AssertionError("sample at " + s.offset() + " does not carry the input's bytes there");
    }
  }

  private static String line(Mp4Sample s) {
    return "sample " + s.trackId() + " dts " + s.decodeTime() + " pts " + s.presentationTime() + (s.key() ? " key" : "")
        + " " + s.payload().remaining() + " @" + s.offset() + "\n";
  }

  private static String error(MediaFormatException e) {
    return "error " + e.format() + " " + e.kind() + " @" + e.offset() + ": " + e.getMessage() + "\n";
  }

  private static void assertReturned(ByteBudget budget, long held) {
    if (budget.used() != 0 || held != 0) {
      throw new AssertionError("an ended, failed or closed demuxer still holds " + budget.used() + " bytes");
    }
  }

  /** A budget tight enough to refuse some inputs, chosen from the input so that a finding replays. */
  private static ByteBudget tight(int length) {
    return ByteBudget.of("tight", 1024 + Math.floorMod(length * 7919L, 32 * 1024));
  }

  /** Under a tight budget the outcome is the same, or the same up to an OVER_BUDGET error. */
  private static void checkRefusal(String full, String refused, ByteBudget tight) {
    if (refused.equals(full)) {
      return;
    }
    int error = refused.lastIndexOf("error ");
    if (error < 0 || !refused.startsWith("error MP4 OVER_BUDGET", error)
        || !full.startsWith(refused.substring(0, error))) {
      throw new AssertionError("a tight budget (" + tight.limit() + ") did more than refuse:\n--- full\n" + full
          + "--- tight\n" + refused);
    }
  }

  /** Seeded random slices covering {@code length} bytes: small ones often, to split headers. */
  private static List<Integer> splits(int length, long seed) {
    Random rnd = new Random(seed);
    List<Integer> out = new ArrayList<>();
    for (int off = 0; off < length; ) {
      int n = Math.min(length - off, rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(8) : 1 + rnd.nextInt(2048));
      out.add(n);
      off += n;
    }
    return out;
  }
}
