package io.vidlog.media.fmp4;

/**
 * The timing of one track in a media segment, in the track's timescale: what its {@code tfdt} and
 * {@code trun} say.
 *
 * @param baseDecodeTime the {@code tfdt} baseMediaDecodeTime: the first sample's decode time
 * @param duration the sum of the sample durations: the next segment's tfdt when contiguous
 * @param samples the number of samples
 * @param keyFrames the number of sync samples
 */
public record TrackTiming(int trackId, long timescale, long baseDecodeTime, long duration,
    int samples, int keyFrames) {

  /** The decode time right after the last sample. */
  public long endDecodeTime() {
    return baseDecodeTime + duration;
  }

  /** {@link #duration} in seconds. */
  public double durationSeconds() {
    return (double) duration / timescale;
  }

  /** Samples per second over the segment (a measured FRAME-RATE for video), NaN when it has no duration. */
  public double sampleRate() {
    return duration == 0 ? Double.NaN : samples * (double) timescale / duration;
  }
}
