package io.vidlog.media.fmp4;

import java.nio.ByteBuffer;

/**
 * One track's frames of one fragment as they arrive live, each written as its own {@code moof} +
 * {@code mdat} chunk (ISO/IEC 14496-12 §8.8; a CMAF chunk of one sample) the moment its duration is
 * known: when the next frame arrives, or when the fragment ends. Concatenated, the chunks of a
 * fragment carry the same decode times, durations and presentation times as the one media segment
 * {@link MediaSegmentBuilder} makes of the whole fragment with {@code shiftDecodeTimes(false)}
 * and no end ({@link SampleTimes}), so a player may take some of a fragment as chunks (LL-HLS
 * parts) and the rest as the whole segment.
 *
 * <p>That equivalence needs decode order to be presentation order, as streams without B-frames
 * have it (low-latency encoders, the test-pattern camera): a decode time is then known from the
 * frame itself. A video frame presented before an earlier one makes {@link #add} answer
 * {@link #REORDERED} and the track's chunks stop; the whole segment still plays it.
 *
 * <p>Payloads are kept by reference: each must stay unchanged while its chunk may be written. Not
 * thread-safe.
 */
public final class LiveChunks {
  /** {@link #add} answer: the frame is presented before an earlier one; no more chunks for this track. */
  public static final Chunk REORDERED = new Chunk(null, 0, 0, false);

  /**
   * One frame's chunk.
   *
   * @param decodeTicks its decode time (tfdt) in the track's timescale
   * @param durationTicks its duration in the track's timescale
   * @param key whether it is a sync sample
   */
  public record Chunk(MediaSegment segment, long decodeTicks, long durationTicks, boolean key) {}

  private final Fmp4Track track;
  private final long offsetNs;
  private long sequence;
  // the frame waiting for its duration
  private boolean pending;
  private long pendingPts;
  private boolean pendingKey;
  private ByteBuffer pendingPayload;
  // audio: the decode time a reader derives for the pending frame (base plus durations before it)
  private long audioAt;
  private long lastDuration = -1;
  private int count;
  private boolean reordered;

  /**
   * @param offsetNs added to every frame timestamp, as {@link MediaSegmentBuilder#timeOffsetNs}
   * @param firstSequence the mfhd sequence number of the first chunk; each next one adds 1
   */
  public LiveChunks(Fmp4Track track, long offsetNs, long firstSequence) {
    this.track = track;
    this.offsetNs = offsetNs;
    this.sequence = firstSequence;
  }

  public Fmp4Track track() {
    return track;
  }

  /**
   * Adds the next frame in decode order; returns the previous frame's chunk (its duration is now
   * known), null for the first frame, or {@link #REORDERED}.
   */
  public Chunk add(long timestampNs, boolean key, ByteBuffer payload) {
    if (reordered) {
      return REORDERED;
    }
    long pts = SampleTimes.ticks(Math.addExact(timestampNs, offsetNs), track.timescale());
    if (pts < 0) {
      throw new IllegalArgumentException("track " + track.trackId() + ": a frame at " + timestampNs
          + " ns lies before the timeline origin (tfdt is unsigned)");
    }
    Chunk out = null;
    if (pending) {
      if (track.isVideo() && pts < pendingPts) {
        reordered = true;
        return REORDERED;
      }
      out = emit(durationBefore(pts));
    } else {
      audioAt = pts;
    }
    pending = true;
    pendingPts = pts;
    pendingKey = key || !track.isVideo();
    pendingPayload = payload.slice();
    count++;
    return out;
  }

  /** The last frame's chunk, when the fragment has ended (null when there is none); it lasts as {@link SampleTimes} says. */
  public Chunk finish() {
    if (!pending || reordered) {
      return null;
    }
    Chunk c = emit(lastFrameTicks());
    pending = false;
    return c;
  }

  /**
   * The duration {@link #finish} gives the frame added last, in the track's timescale; -1 when no
   * frame waits for its duration (none added, or finished).
   */
  public long pendingDurationTicks() {
    return !pending || reordered ? -1 : lastFrameTicks();
  }

  /** A fragment's last frame lasts as {@link SampleTimes} says: an AAC frame, else as the frame before it. */
  private long lastFrameTicks() {
    if (track.aacFrameTicks() > 0) {
      return track.aacFrameTicks();
    } else if (lastDuration >= 0) {
      return lastDuration;
    } else if (track.frameRate() > 0) {
      return Math.round(track.timescale() / track.frameRate());
    }
    return track.timescale() / 30;
  }

  /** Frames added so far. */
  public int frames() {
    return count;
  }

  public boolean reordered() {
    return reordered;
  }

  /** The pending frame's duration now that the next one is presented at {@code nextPts}: SampleTimes' rules. */
  private long durationBefore(long nextPts) {
    if (track.aacFrameTicks() > 0) {
      long nominal = track.aacFrameTicks();
      long tolerance = track.timescale() / 1000 + 1;
      return Math.abs(audioAt + nominal - nextPts) <= tolerance ? nominal : Math.max(0, nextPts - audioAt);
    }
    return nextPts - pendingPts;
  }

  private Chunk emit(long duration) {
    long decode = track.aacFrameTicks() > 0 ? audioAt : pendingPts;
    if (duration > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("track " + track.trackId() + ": a sample lasts " + duration
          + " ticks, more than a trun can say");
    }
    MediaSegment segment = write(sequence++ & 0xFFFFFFFFL, decode, duration, pendingKey, pendingPayload);
    if (track.aacFrameTicks() > 0) {
      audioAt += duration;
    }
    lastDuration = duration;
    return new Chunk(segment, decode, duration, pendingKey);
  }

  /** moof (mfhd, traf: tfhd default-base-is-moof, tfdt v1, trun of one sample) + mdat. */
  private MediaSegment write(long seq, long decode, long duration, boolean key, ByteBuffer payload) {
    BoxWriter w = new BoxWriter(128);
    int moof = w.start("moof");
    int mfhd = w.startFull("mfhd", 0, 0);
    w.u32(seq);
    w.end(mfhd);
    int traf = w.start("traf");
    int tfhd = w.startFull("tfhd", 0, 0x020000);
    w.u32(track.trackId());
    w.end(tfhd);
    int tfdt = w.startFull("tfdt", 1, 0);
    w.u64(decode);
    w.end(tfdt);
    // data offset, duration, size, flags (ISO/IEC 14496-12 §8.8.8.1); presentation = decode time
    int trun = w.startFull("trun", 0, 0x1 | 0x100 | 0x200 | 0x400);
    w.u32(1);
    int dataOffsetAt = w.position();
    w.u32(0);
    w.u32(duration).u32(payload.remaining())
        .u32(key ? MediaSegmentBuilder.FLAGS_SYNC : MediaSegmentBuilder.FLAGS_NON_SYNC);
    w.end(trun);
    w.end(traf);
    w.end(moof);
    w.patchU32(dataOffsetAt, w.position() + 8);
    w.u32(payload.remaining() + 8L).fourcc("mdat");
    TrackTiming timing = new TrackTiming(track.trackId(), track.timescale(), decode, duration, 1, key ? 1 : 0);
    return new MediaSegment(seq, w.view(), new ByteBuffer[] {payload}, java.util.List.of(timing));
  }
}
