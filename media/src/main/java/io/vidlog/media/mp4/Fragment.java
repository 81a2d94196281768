package io.vidlog.media.mp4;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The samples a {@code moof} describes (ISO/IEC 14496-12 §8.8.4-8.8.12): per {@code traf}, the
 * {@code tfhd} defaults over the {@code trex} defaults, the {@code tfdt} decode time (or the end of
 * the track's previous fragment), and each {@code trun}'s samples at absolute input offsets,
 * sorted by offset so they can be cut out of the following {@code mdat} as it streams past.
 */
final class Fragment {
  /** One sample still to be read from the mdat. */
  record Pending(int trackId, long offset, int size, long decodeTime, int compositionOffset,
      boolean key) {}

  private static final int TFHD_BASE_DATA_OFFSET = 0x1;
  private static final int TFHD_SDI = 0x2;
  private static final int TFHD_DURATION = 0x8;
  private static final int TFHD_SIZE = 0x10;
  private static final int TFHD_FLAGS = 0x20;
  private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x20000;
  private static final int TRUN_DATA_OFFSET = 0x1;
  private static final int TRUN_FIRST_FLAGS = 0x4;
  private static final int TRUN_DURATION = 0x100;
  private static final int TRUN_SIZE = 0x200;
  private static final int TRUN_FLAGS = 0x400;
  private static final int TRUN_CTO = 0x800;
  /** sample_is_non_sync_sample in sample flags (§8.8.3.1). */
  private static final long NON_SYNC = 0x10000;

  private Fragment() {}

  /**
   * Parses a moof; {@code nextDecodeTime} holds each track's decode time after its last fragment
   * and is updated.
   */
  static List<Pending> parse(Box moof, Movie movie, Map<Integer, Long> nextDecodeTime,
      Mp4Limits limits) {
    List<Pending> out = new ArrayList<>();
    long previousTrafEnd = moof.offset();
    for (Box traf : moof.children()) {
      if (!traf.type().equals("traf")) {
        continue;
      }
      Box tfhd = traf.child("tfhd");
      if (tfhd == null) {
        throw MP4.malformed(traf.offset(), "traf without tfhd");
      }
      Box.Cursor h = tfhd.cursor();
      int flags = (int) (h.u32() & 0xFFFFFF);
      int trackId = (int) h.u32();
      Movie.Trex trex = movie.trex().get(trackId);
      boolean skipped = movie.otherTracks().contains(trackId);
      if ((movie.track(trackId) == null && !skipped) || trex == null) {
        throw MP4.malformed(tfhd.offset(), "traf for track " + trackId
            + " that moov/mvex does not declare");
      }
      long base = (flags & TFHD_BASE_DATA_OFFSET) != 0 ? h.u64()
          : (flags & TFHD_DEFAULT_BASE_IS_MOOF) != 0 ? moof.offset() : previousTrafEnd;
      if ((flags & TFHD_SDI) != 0) {
        h.skip(4);
      }
      long defDuration = (flags & TFHD_DURATION) != 0 ? h.u32() : trex.duration();
      long defSize = (flags & TFHD_SIZE) != 0 ? h.u32() : trex.size();
      long defFlags = (flags & TFHD_FLAGS) != 0 ? h.u32() : trex.flags();

      long dts = nextDecodeTime.getOrDefault(trackId, 0L);
      Box tfdt = traf.child("tfdt");
      if (tfdt != null) {
        Box.Cursor t = tfdt.cursor();
        int version = t.u8();
        t.skip(3);
        dts = t.uVar(version);
      }
      long dataPos = base;
      for (Box trun : traf.children()) {
        if (!trun.type().equals("trun")) {
          continue;
        }
        Box.Cursor r = trun.cursor();
        int rf = (int) (r.u32() & 0xFFFFFF);
        int entryBytes = 4 * Integer.bitCount(rf & (TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS | TRUN_CTO));
        long countAt = r.offset();
        long count = r.u32();
        long dataOffset = (rf & TRUN_DATA_OFFSET) != 0 ? r.s32() : Long.MIN_VALUE;
        long firstFlags = (rf & TRUN_FIRST_FLAGS) != 0 ? r.u32() : -1;
        if (count + out.size() > limits.maxSamplesPerFragment()) {
          throw MP4.unsupported(countAt, "fragment with more than "
              + limits.maxSamplesPerFragment() + " samples");
        }
        if (count * entryBytes > r.remaining()) {
          throw MP4.malformed(countAt, "trun sample_count " + count + " needs "
              + count * entryBytes + " bytes, " + r.remaining() + " left");
        }
        if (dataOffset != Long.MIN_VALUE) {
          dataPos = base + dataOffset; // else: right after the previous run (§8.8.8.3)
        }
        for (int i = 0; i < count; i++) {
          long duration = (rf & TRUN_DURATION) != 0 ? r.u32() : defDuration;
          long size = (rf & TRUN_SIZE) != 0 ? r.u32() : defSize;
          long sampleFlags = (rf & TRUN_FLAGS) != 0 ? r.u32()
              : i == 0 && firstFlags >= 0 ? firstFlags : defFlags;
          int cto = (rf & TRUN_CTO) != 0 ? r.s32() : 0;
          if (size > limits.maxSampleBytes()) {
            throw MP4.unsupported(trun.offset(), "sample of " + size
                + " bytes over the limit " + limits.maxSampleBytes());
          }
          if (dataPos < 0) {
            throw MP4.malformed(trun.offset(), "sample data offset " + dataPos);
          }
          if (!skipped) { // other tracks' runs still move the data position
            out.add(new Pending(trackId, dataPos, (int) size, dts, cto,
                (sampleFlags & NON_SYNC) == 0));
          }
          dataPos += size;
          dts += duration;
        }
      }
      nextDecodeTime.put(trackId, dts);
      previousTrafEnd = dataPos;
    }
    out.sort(Comparator.comparingLong(Pending::offset));
    checkNoOverlap(out, moof.offset());
    return out;
  }

  /** Samples sorted by offset must not share bytes. */
  static void checkNoOverlap(List<Pending> sorted, long boxOffset) {
    for (int i = 1; i < sorted.size(); i++) {
      Pending a = sorted.get(i - 1);
      if (a.offset() + a.size() > sorted.get(i).offset()) {
        throw MP4.malformed(boxOffset, "samples overlap at offset " + sorted.get(i).offset());
      }
    }
  }
}
