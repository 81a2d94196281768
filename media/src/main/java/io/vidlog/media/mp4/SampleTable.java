package io.vidlog.media.mp4;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import io.vidlog.media.ByteBudget;
import java.util.BitSet;

/**
 * A progressive track's samples flattened from its {@code stbl} (ISO/IEC 14496-12 §8.6-8.7):
 * sizes from {@code stsz}, file offsets from {@code stsc} + {@code stco}/{@code co64}, decode times
 * from {@code stts}, composition offsets from {@code ctts}, key frames from {@code stss} (all
 * samples are sync samples without it). Every count is checked against the box size and
 * {@link Mp4Limits#maxSamplesPerTrack()}, and the tables' bytes are reserved in a
 * {@link ByteBudget}, before a table is allocated: a uniform {@code stsz} of a few bytes can declare
 * a million samples, and the tables cost {@value #BYTES_PER_SAMPLE} bytes each. {@link #release()}
 * returns them.
 */
final class SampleTable {
  /** offsets (8), sizes (4), decode times (8), composition offsets (4) and a sync bit, rounded up. */
  static final int BYTES_PER_SAMPLE = 25;

  final int count;
  final long[] offsets;
  final int[] sizes;
  final long[] decodeTimes;
  final int[] compositionOffsets;
  /** Decode time just after the last sample (the sum of all stts deltas used). */
  final long endTime;
  private final BitSet sync;
  private final ByteBudget budget;

  private SampleTable(int count, long[] offsets, int[] sizes, long[] decodeTimes, int[] cto,
      long endTime, BitSet sync, ByteBudget budget) {
    this.budget = budget;
    this.endTime = endTime;
    this.count = count;
    this.offsets = offsets;
    this.sizes = sizes;
    this.decodeTimes = decodeTimes;
    this.compositionOffsets = cto;
    this.sync = sync;
  }

  boolean isSync(int i) {
    return sync == null || sync.get(i);
  }

  /** Returns the tables' bytes to the budget they were reserved in; the table is not used after. */
  void release() {
    budget.release((long) count * BYTES_PER_SAMPLE);
  }

  static SampleTable build(Box stbl, Mp4Limits limits, ByteBudget budget) {
    Box stsz = stbl.child("stsz");
    if (stsz == null) {
      throw MP4.unsupported(stbl.offset(), "stbl without stsz (stz2 is not supported)");
    }
    Box.Cursor c = fullBox(stsz);
    long uniform = c.u32();
    long at = c.offset();
    int n = c.count(uniform == 0 ? 4 : 0, limits.maxSamplesPerTrack(), "stsz sample");
    budget.reserve((long) n * BYTES_PER_SAMPLE, MP4, at, "sample tables of " + n + " samples");
    try {
      return build(stbl, limits, budget, sizes(c, uniform, at, n, limits));
    } catch (RuntimeException | Error e) {
      budget.release((long) n * BYTES_PER_SAMPLE);
      throw e;
    }
  }

  private static SampleTable build(Box stbl, Mp4Limits limits, ByteBudget budget, int[] sizes) {
    int n = sizes.length;
    long[] offsets = offsets(stbl, sizes, limits);
    long[] dts = new long[n];
    long end = 0;
    Box stts = stbl.child("stts");
    if (stts == null && n > 0) {
      throw MP4.malformed(stbl.offset(), "stbl without stts");
    }
    if (stts != null) {
      Box.Cursor c = fullBox(stts);
      int entries = c.count(8, Integer.MAX_VALUE, "stts entry");
      long t = 0;
      int i = 0;
      long delta = 0;
      for (int e = 0; e < entries && i < n; e++) {
        long runLength = c.u32();
        delta = c.u32();
        for (long k = 0; k < runLength && i < n; k++) {
          dts[i++] = t;
          t += delta;
        }
      }
      for (; i < n; i++) { // a short stts: keep the last delta, as ffmpeg does
        dts[i] = t;
        t += delta;
      }
      end = t;
    }
    int[] cto = new int[n];
    Box ctts = stbl.child("ctts");
    if (ctts != null) {
      Box.Cursor c = fullBox(ctts);
      int entries = c.count(8, Integer.MAX_VALUE, "ctts entry");
      int i = 0;
      for (int e = 0; e < entries && i < n; e++) {
        long runLength = c.u32();
        int off = c.s32(); // version 0 is unsigned by the spec, but muxers write negatives in it
        for (long k = 0; k < runLength && i < n; k++) {
          cto[i++] = off;
        }
      }
    }
    BitSet sync = null;
    Box stss = stbl.child("stss");
    if (stss != null) {
      Box.Cursor c = fullBox(stss);
      int entries = c.count(4, Integer.MAX_VALUE, "stss entry");
      sync = new BitSet(n);
      for (int e = 0; e < entries; e++) {
        long number = c.u32();
        if (number >= 1 && number <= n) {
          sync.set((int) number - 1);
        }
      }
    }
    return new SampleTable(n, offsets, sizes, dts, cto, end, sync, budget);
  }

  private static Box.Cursor fullBox(Box b) {
    Box.Cursor c = b.cursor();
    c.skip(4); // version, flags
    return c;
  }

  private static int[] sizes(Box.Cursor c, long uniform, long at, int n, Mp4Limits limits) {
    int[] sizes = new int[n];
    for (int i = 0; i < n; i++) {
      long s = uniform != 0 ? uniform : c.u32();
      if (s > limits.maxSampleBytes()) {
        throw MP4.unsupported(at, "sample " + (i + 1) + " of " + s
            + " bytes over the limit " + limits.maxSampleBytes());
      }
      sizes[i] = (int) s;
    }
    return sizes;
  }

  private static long[] offsets(Box stbl, int[] sizes, Mp4Limits limits) {
    int n = sizes.length;
    long[] offsets = new long[n];
    Box stco = stbl.child("stco");
    Box co64 = stbl.child("co64");
    Box stsc = stbl.child("stsc");
    if (n == 0) {
      return offsets;
    }
    if ((stco == null && co64 == null) || stsc == null) {
      throw MP4.malformed(stbl.offset(), "stbl without stco/co64 or stsc");
    }
    boolean wide = stco == null;
    Box.Cursor chunks = fullBox(wide ? co64 : stco);
    int chunkCount = chunks.count(wide ? 8 : 4, limits.maxSamplesPerTrack(), "chunk offset");
    Box.Cursor c = fullBox(stsc);
    int entries = c.count(12, Integer.MAX_VALUE, "stsc entry");
    long[] first = new long[entries];
    long[] perChunk = new long[entries];
    for (int e = 0; e < entries; e++) {
      first[e] = c.u32();
      perChunk[e] = c.u32();
      c.skip(4); // sample_description_index
      if (first[e] < 1 || (e > 0 && first[e] <= first[e - 1])) {
        throw MP4.malformed(stsc.offset(), "stsc first_chunk " + first[e] + " out of order");
      }
    }
    int sample = 0;
    int e = 0;
    for (int chunk = 1; chunk <= chunkCount && sample < n; chunk++) {
      long pos = wide ? chunks.u64() : chunks.u32();
      while (e + 1 < entries && first[e + 1] <= chunk) {
        e++;
      }
      if (entries == 0 || first[e] > chunk) {
        throw MP4.malformed(stsc.offset(), "no stsc entry for chunk " + chunk);
      }
      for (long k = 0; k < perChunk[e] && sample < n; k++) {
        offsets[sample] = pos;
        pos += sizes[sample++];
      }
    }
    if (sample < n) {
      throw MP4.malformed(stsc.offset(), "chunks hold " + sample + " of " + n + " samples");
    }
    return offsets;
  }
}
