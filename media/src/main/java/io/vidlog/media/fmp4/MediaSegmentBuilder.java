package io.vidlog.media.fmp4;

import io.vidlog.media.mkv.MkvFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the frames of one fragment and renders them as one media segment: {@code moof} (an
 * {@code mfhd} with the sequence number, then per track a {@code traf} with {@code tfhd}
 * default-base-is-moof, {@code tfdt} version 1 and one {@code trun} with every sample's size,
 * duration, flags and, where needed, composition offset; ISO/IEC 14496-12 §8.8) and {@code mdat}
 * with each track's samples together, in track order.
 *
 * <p>Timing, per track, in its timescale: presentation times are the frame timestamps plus the
 * time offset. Video decode times are the presentation times in increasing order, moved earlier by
 * the segment's reordering delay (B-frames), so composition offsets are never negative and the
 * {@code trun} is version 0; {@code tfdt} is the first decode time. The last video frame lasts up to
 * the end given to {@link #build} unless that is more than two frame intervals away (a gap), else as
 * long as the frame before it. AAC frames last their nominal 1024 (960) samples while that keeps
 * them within a millisecond of their timestamps. Keep the timeline absolute (epoch time, as KVS
 * producers stamp it): a decode time may not go below zero, and a reordering delay cut short at
 * zero leaves negative offsets (version 1) and a seam between that segment and the next.
 *
 * <p>Payloads are kept by reference, not copied: each must stay unchanged until the segment built
 * from them has been written. A frame from {@code MkvReader} is valid only during its callback, so
 * frames read from MKV should go through {@link MkvFragmentRepackager}, which keeps one copy.
 * H.264/H.265 payloads must be length-prefixed NAL units (as Matroska stores them, with the NAL
 * length size of the track's configuration record); they are written as they are. One builder makes
 * one segment; not thread-safe.
 */
public final class MediaSegmentBuilder {
  /** {@link #build} argument: the end of the last sample is not known. */
  public static final long NO_END = Long.MIN_VALUE;

  /** tfhd flags: default-base-is-moof (§8.8.7.1). */
  private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
  /** trun flags (§8.8.8.1). */
  private static final int TRUN_DATA_OFFSET = 0x1;
  private static final int TRUN_DURATION = 0x100;
  private static final int TRUN_SIZE = 0x200;
  private static final int TRUN_FLAGS = 0x400;
  private static final int TRUN_COMPOSITION_OFFSET = 0x800;
  /**
   * Sample flags (§8.8.3.1): a sync sample depends on no other (sample_depends_on 2); any other
   * depends on others (1) and is sample_is_non_sync_sample.
   */
  static final int FLAGS_SYNC = 0x0200_0000;
  static final int FLAGS_NON_SYNC = 0x0101_0000;

  private final Map<Integer, Samples> tracks = new LinkedHashMap<>();
  private long timeOffsetNs;
  private boolean shiftDecodeTimes = true;
  private boolean built;

  /** A builder for a segment of these tracks; frames of other tracks are ignored. */
  public MediaSegmentBuilder(List<Fmp4Track> tracks) {
    for (Fmp4Track t : tracks) {
      if (this.tracks.put(t.trackId(), new Samples(t)) != null) {
        throw new IllegalArgumentException("two tracks with track_ID " + t.trackId());
      }
    }
  }

  /**
   * Adds {@code offsetNs} to every frame timestamp (and to the end given to {@link #build}): for
   * example the producer start time, when a stream's timecodes are relative to it. Decode times are
   * the shifted timestamps in each track's timescale, so they must not be negative.
   */
  public MediaSegmentBuilder timeOffsetNs(long offsetNs) {
    this.timeOffsetNs = offsetNs;
    return this;
  }

  /**
   * {@code false}: video decode times are the presentation times in order, with negative composition
   * offsets for B-frames, instead of being moved earlier by each segment's reordering delay; so
   * consecutive segments' decode times meet whatever each GOP's reordering (see {@link SampleTimes}).
   * For segments a player places one after another by their decode times (HLS).
   */
  public MediaSegmentBuilder shiftDecodeTimes(boolean shift) {
    this.shiftDecodeTimes = shift;
    return this;
  }

  /** Adds a frame of a Matroska fragment; its payload is kept by reference (see the class comment). */
  public void add(MkvFrame frame) {
    add(frame.trackNumber(), frame.timecodeNs(), frame.keyFrame(), frame.payload());
  }

  /**
   * Adds one frame, in decode order (the order of the fragment).
   *
   * @param trackId the track (Matroska TrackNumber); a track this builder does not make is ignored
   * @param timestampNs the frame's presentation time in nanoseconds (Matroska's Block timestamp)
   * @param key whether it is a key frame (a random access point)
   * @param payload the frame's bytes, kept by reference from its position to its limit
   */
  public void add(int trackId, long timestampNs, boolean key, ByteBuffer payload) {
    if (built) {
      throw new IllegalStateException("segment already built");
    }
    Samples s = tracks.get(trackId);
    if (s != null) {
      s.add(timestampNs, key, payload.slice());
    }
  }

  /** Samples added so far for a track (0 for a track this builder does not make). */
  public int sampleCount(int trackId) {
    Samples s = tracks.get(trackId);
    return s == null ? 0 : s.count;
  }

  /**
   * Renders the segment. Tracks without frames get no {@code traf}.
   *
   * @param sequenceNumber the {@code mfhd} sequence_number, 0 to 2^32-1
   * @param endNs where the last frame ends on the frame clock (before the time offset), for example
   *     the start of the next fragment; {@link #NO_END} to derive it from the frames
   * @throws IllegalArgumentException when a timestamp maps to a negative decode time, or a value
   *     does not fit its field
   */
  public MediaSegment build(long sequenceNumber, long endNs) {
    if (built) {
      throw new IllegalStateException("segment already built");
    }
    if (sequenceNumber < 0 || sequenceNumber > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("sequence number " + sequenceNumber + " (mfhd has 32 bits)");
    }
    built = true;
    long end = endNs == NO_END ? NO_END : Math.addExact(endNs, timeOffsetNs);
    List<Samples> present = new ArrayList<>();
    List<SampleTimes> times = new ArrayList<>();
    long payloadBytes = 0;
    int samples = 0;
    for (Samples s : tracks.values()) {
      if (s.count > 0) {
        present.add(s);
        times.add(SampleTimes.of(s.shiftedPts(timeOffsetNs), s.count, end, s.track, shiftDecodeTimes));
        payloadBytes += s.bytes;
        samples += s.count;
      }
    }
    boolean largeMdat = payloadBytes + 8 > 0xFFFFFFFFL;
    BoxWriter w = new BoxWriter(64 + present.size() * 64 + samples * 16);
    int moof = w.start("moof");
    int mfhd = w.startFull("mfhd", 0, 0);
    w.u32(sequenceNumber);
    w.end(mfhd);
    int[] dataOffsetAt = new int[present.size()];
    List<TrackTiming> timings = new ArrayList<>();
    for (int i = 0; i < present.size(); i++) {
      dataOffsetAt[i] = traf(w, present.get(i), times.get(i));
      timings.add(present.get(i).timing(times.get(i)));
    }
    w.end(moof);
    int moofSize = w.position();
    long dataOffset = moofSize + (largeMdat ? 16 : 8);
    for (int i = 0; i < present.size(); i++) {
      if (dataOffset > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("track " + present.get(i).track.trackId()
            + " data starts " + dataOffset + " bytes after moof, beyond trun's signed 32-bit data_offset");
      }
      w.patchU32(dataOffsetAt[i], dataOffset);
      dataOffset += present.get(i).bytes;
    }
    if (largeMdat) {
      w.u32(1).fourcc("mdat").u64(payloadBytes + 16);
    } else {
      w.u32(payloadBytes + 8).fourcc("mdat");
    }
    ByteBuffer[] payloads = new ByteBuffer[samples];
    int at = 0;
    for (Samples s : present) {
      System.arraycopy(s.payloads, 0, payloads, at, s.count);
      at += s.count;
    }
    return new MediaSegment(sequenceNumber, w.view(), payloads, timings);
  }

  /** One traf; returns where its trun's data_offset is, to be patched once moof's size is known. */
  private static int traf(BoxWriter w, Samples s, SampleTimes t) {
    int traf = w.start("traf");
    int tfhd = w.startFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF);
    w.u32(s.track.trackId());
    w.end(tfhd);
    int tfdt = w.startFull("tfdt", 1, 0);
    w.u64(t.baseDecodeTime);
    w.end(tfdt);
    boolean offsets = t.compositionOffsets != null;
    int flags = TRUN_DATA_OFFSET | TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS
        | (offsets ? TRUN_COMPOSITION_OFFSET : 0);
    int trun = w.startFull("trun", t.negativeOffsets ? 1 : 0, flags);
    w.u32(s.count);
    int dataOffsetAt = w.position();
    w.u32(0);
    for (int i = 0; i < s.count; i++) {
      w.u32(t.durations[i]).u32(s.sizes[i]).u32(s.keys[i] ? FLAGS_SYNC : FLAGS_NON_SYNC);
      if (offsets) {
        w.u32(t.compositionOffsets[i] & 0xFFFFFFFFL);
      }
    }
    w.end(trun);
    w.end(traf);
    return dataOffsetAt;
  }

  /** One track's frames so far, in decode order. */
  private static final class Samples {
    final Fmp4Track track;
    long[] ptsNs = new long[64];
    int[] sizes = new int[64];
    boolean[] keys = new boolean[64];
    ByteBuffer[] payloads = new ByteBuffer[64];
    int count;
    long bytes;
    int keyFrames;

    Samples(Fmp4Track track) {
      this.track = track;
    }

    void add(long timestampNs, boolean key, ByteBuffer payload) {
      if (count == ptsNs.length) {
        int n = count * 2;
        ptsNs = Arrays.copyOf(ptsNs, n);
        sizes = Arrays.copyOf(sizes, n);
        keys = Arrays.copyOf(keys, n);
        payloads = Arrays.copyOf(payloads, n);
      }
      // audio has no inter-frame dependence: every AAC access unit is a sync sample
      boolean sync = key || !track.isVideo();
      ptsNs[count] = timestampNs;
      sizes[count] = payload.remaining();
      keys[count] = sync;
      payloads[count] = payload;
      count++;
      bytes += payload.remaining();
      keyFrames += sync ? 1 : 0;
    }

    long[] shiftedPts(long offsetNs) {
      long[] out = new long[count];
      for (int i = 0; i < count; i++) {
        out[i] = Math.addExact(ptsNs[i], offsetNs);
      }
      return out;
    }

    TrackTiming timing(SampleTimes t) {
      long duration = 0;
      for (long d : t.durations) {
        duration += d;
      }
      return new TrackTiming(track.trackId(), track.timescale(), t.baseDecodeTime, duration, count,
          keyFrames);
    }
  }
}
