package io.vidlog.media.fmp4;

import java.util.Arrays;

/**
 * Turns one track's frame timestamps (presentation times, in decode order, as Matroska stores them:
 * RFC 9559 §10.1 gives a Block one timestamp, its presentation time) into what a {@code trun}
 * carries: a decode time for the first sample, a duration for each sample and a composition offset
 * where presentation and decode times differ.
 *
 * <p>Decode times are the presentation times sorted: the k-th frame in decode order is decoded at
 * the k-th smallest presentation time. So the first decode time is the earliest presentation time
 * and a segment's {@code tfdt} is where its presentation starts, which makes segments cut at key
 * frames meet without gap or overlap; B-frames get negative composition offsets, which is why
 * {@code trun} is then written as version 1 (ISO/IEC 14496-12 §8.8.8; the CMAF layout of ISO/IEC
 * 23000-19 §7.5.17). Durations are the differences of consecutive decode times; the last one
 * comes from the segment end when given (the start of the next fragment), else from the
 * previous difference.
 *
 * <p>AAC frames all last 1024 (or 960) samples, but millisecond timestamps jitter by up to one
 * millisecond; audio durations are therefore the nominal frame duration as long as that keeps every
 * sample within a millisecond of its timestamp, and follow the timestamps otherwise (a real gap).
 */
final class SampleTimes {
  private static final long NANOS = 1_000_000_000L;

  /** Decode time of the first sample, in ticks. */
  final long baseDecodeTime;
  final long[] durations;
  /** Presentation minus decode time per sample; null when all are zero. */
  final int[] compositionOffsets;
  final boolean negativeOffsets;

  private SampleTimes(long base, long[] durations, int[] offsets, boolean negative) {
    this.baseDecodeTime = base;
    this.durations = durations;
    this.compositionOffsets = offsets;
    this.negativeOffsets = negative;
  }

  /** Nanoseconds to ticks of {@code timescale}, rounded to nearest; no overflow for any long. */
  static long ticks(long ns, long timescale) {
    long seconds = Math.floorDiv(ns, NANOS);
    long rem = Math.floorMod(ns, NANOS);
    return Math.addExact(Math.multiplyExact(seconds, timescale), (rem * timescale + NANOS / 2) / NANOS);
  }

  /**
   * @param ptsNs presentation times in decode order, with any time offset already applied
   * @param count how many of {@code ptsNs} are used
   * @param endNs where the last sample ends (same clock), or {@link MediaSegmentBuilder#NO_END}
   * @param track gives the timescale and, for AAC, the nominal frame duration
   */
  static SampleTimes of(long[] ptsNs, int count, long endNs, Fmp4Track track) {
    long ts = track.timescale();
    long[] pts = new long[count];
    for (int i = 0; i < count; i++) {
      pts[i] = ticks(ptsNs[i], ts);
      if (pts[i] < 0) {
        throw new IllegalArgumentException("track " + track.trackId() + ": a frame at " + ptsNs[i]
            + " ns lies before the timeline origin (tfdt is unsigned)");
      }
    }
    long[] dts = pts.clone();
    Arrays.sort(dts);
    long end = endNs == MediaSegmentBuilder.NO_END ? Long.MIN_VALUE : ticks(endNs, ts);
    long[] durations = track.aacFrameTicks() > 0
        ? audioDurations(dts, track)
        : videoDurations(dts, end, track);
    // what a reader derives: decode time i = base + the durations before it
    int[] offsets = null;
    boolean negative = false;
    long decode = dts[0];
    for (int i = 0; i < count; i++) {
      long cto = pts[i] - decode;
      if (cto != 0) {
        if (cto > Integer.MAX_VALUE || cto < Integer.MIN_VALUE) {
          throw new IllegalArgumentException("track " + track.trackId() + ": frame " + i
              + " is presented " + cto + " ticks from its decode time");
        }
        if (offsets == null) {
          offsets = new int[count];
        }
        offsets[i] = (int) cto;
        negative |= cto < 0;
      }
      decode += durations[i];
    }
    return new SampleTimes(dts[0], durations, offsets, negative);
  }

  private static long[] videoDurations(long[] dts, long end, Fmp4Track track) {
    int n = dts.length;
    long[] d = new long[n];
    for (int i = 0; i + 1 < n; i++) {
      d[i] = dts[i + 1] - dts[i];
    }
    long last;
    if (end > dts[n - 1]) {
      last = end - dts[n - 1];
    } else if (n > 1) {
      last = d[n - 2];
    } else if (track.frameRate() > 0) {
      last = Math.round(track.timescale() / track.frameRate());
    } else {
      last = track.timescale() / 30; // one frame of 30 fps when nothing else is known
    }
    d[n - 1] = last;
    checkDurations(d, track);
    return d;
  }

  private static long[] audioDurations(long[] dts, Fmp4Track track) {
    int n = dts.length;
    long[] d = new long[n];
    long nominal = track.aacFrameTicks();
    long tolerance = track.timescale() / 1000 + 1;
    long at = dts[0]; // the decode time a reader derives for sample i
    for (int i = 0; i + 1 < n; i++) {
      long next = dts[i + 1];
      d[i] = Math.abs(at + nominal - next) <= tolerance ? nominal : Math.max(0, next - at);
      at += d[i];
    }
    d[n - 1] = nominal;
    checkDurations(d, track);
    return d;
  }

  private static void checkDurations(long[] d, Fmp4Track track) {
    for (long x : d) {
      if (x > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("track " + track.trackId() + ": a sample lasts " + x
            + " ticks, more than a trun can say");
      }
    }
  }
}
