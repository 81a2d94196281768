package io.vidlog.media.fmp4;

import java.util.Arrays;

/**
 * Turns one track's frame timestamps (presentation times, in decode order, as Matroska stores them:
 * RFC 9559 §10.1 gives a Block one timestamp, its presentation time) into what a {@code trun}
 * carries: a decode time for the first sample, a duration for each sample and a composition offset
 * where presentation and decode times differ.
 *
 * <p>The k-th frame in decode order is decoded at the k-th smallest presentation time, moved
 * earlier by the segment's reordering delay: the smallest shift that leaves no frame presented
 * before it is decoded. So composition offsets are never negative and {@code trun} stays at version
 * 0 (ISO/IEC 14496-12 §8.8.8): with version 1's negative offsets ffmpeg delays the video by their
 * size, out of sync with the audio. Presentation times are the frames' own timestamps whatever the
 * shift, and an encoder that keeps its GOP structure gives every segment the same shift, so one
 * segment's decode times end where the next one's begin. Only where the shift would take a decode
 * time below zero (a stream whose clock starts at 0) is it cut short, and the offsets it no longer
 * covers are written negative, in a version 1 {@code trun}.
 *
 * <p>Segments that players append one after another by their decode times (HLS, where hls.js
 * places each discontinuity's segments by {@code tfdt}) may ask for no shift ({@code shift}
 * false): decode times are then the sorted presentation times themselves, which meet from one
 * segment to the next whatever each GOP's reordering, and B-frames get negative offsets in a
 * version 1 {@code trun}. A per-segment shift differs between a stream's first GOP (or a GOP cut
 * short) and the others, so consecutive segments' decode times would run into each other.
 *
 * <p>Durations are the differences of consecutive decode times; the last video
 * frame lasts until the segment end when one is given (the start of the next fragment) and it is
 * not past a gap, else as long as the frame before it.
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

  /**
   * Nanoseconds to ticks of {@code timescale}, rounded to nearest, without the overflow of
   * {@code ns * timescale} (an epoch time in ns times 90,000 would not fit a long).
   */
  static long ticks(long ns, long timescale) {
    long seconds = Math.floorDiv(ns, NANOS);
    long rem = Math.floorMod(ns, NANOS);
    return Math.addExact(Math.multiplyExact(seconds, timescale), (rem * timescale + NANOS / 2) / NANOS);
  }

  /** As {@link #of(long[], int, long, Fmp4Track, boolean)}, video decode times shifted by the reordering delay. */
  static SampleTimes of(long[] ptsNs, int count, long endNs, Fmp4Track track) {
    return of(ptsNs, count, endNs, track, true);
  }

  /**
   * @param ptsNs presentation times in decode order, with any time offset already applied
   * @param count how many of {@code ptsNs} are used
   * @param endNs where the last sample ends (same clock), or {@link MediaSegmentBuilder#NO_END}
   * @param track gives the timescale and, for AAC, the nominal frame duration
   * @param shift move video decode times earlier by the segment's reordering delay (see the class comment)
   */
  static SampleTimes of(long[] ptsNs, int count, long endNs, Fmp4Track track, boolean shift) {
    long ts = track.timescale();
    long[] pts = new long[count];
    for (int i = 0; i < count; i++) {
      pts[i] = ticks(ptsNs[i], ts);
      if (pts[i] < 0) {
        throw new IllegalArgumentException("track " + track.trackId() + ": a frame at " + ptsNs[i]
            + " ns lies before the timeline origin (tfdt is unsigned)");
      }
    }
    long[] sorted = pts.clone();
    Arrays.sort(sorted);
    long end = endNs == MediaSegmentBuilder.NO_END ? Long.MIN_VALUE : ticks(endNs, ts);
    long[] durations = track.aacFrameTicks() > 0
        ? audioDurations(sorted, track)
        : videoDurations(sorted, end, track);
    if (!track.isVideo()) {
      // Audio is presented when decoded: its durations already place each frame within a
      // millisecond of its timestamp.
      return new SampleTimes(sorted[0], durations, null, false);
    }
    long delay = 0;
    for (int i = 0; shift && i < count; i++) {
      delay = Math.max(delay, sorted[i] - pts[i]);
    }
    long base = sorted[0] - Math.min(delay, sorted[0]);
    int[] offsets = null;
    boolean negative = false;
    long decode = base; // what a reader derives: the base plus the durations before the sample
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
    return new SampleTimes(base, durations, offsets, negative);
  }

  private static long[] videoDurations(long[] times, long end, Fmp4Track track) {
    int n = times.length;
    long[] d = new long[n];
    for (int i = 0; i + 1 < n; i++) {
      d[i] = times[i + 1] - times[i];
    }
    long last;
    // The end is the next fragment's start: one frame on from the last one when the stream is
    // continuous. Past two frame intervals there is a gap in the stream (a paused producer), and
    // stretching the last frame over it would hide the gap from the player: it keeps its interval.
    if (end > times[n - 1] && (n == 1 || end - times[n - 1] <= 2 * d[n - 2])) {
      last = end - times[n - 1];
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

  private static long[] audioDurations(long[] times, Fmp4Track track) {
    int n = times.length;
    long[] d = new long[n];
    long nominal = track.aacFrameTicks();
    long tolerance = track.timescale() / 1000 + 1;
    long at = times[0]; // the decode time a reader derives for sample i
    for (int i = 0; i + 1 < n; i++) {
      long next = times[i + 1];
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
