package io.vidlog.media.mp4;

/**
 * Bounds applied before anything read from an MP4 is allocated.
 *
 * @param maxHeaderBoxBytes largest ftyp/moov/moof (and other boxes that are buffered whole)
 * @param maxSampleBytes largest single sample
 * @param maxSamplesPerTrack largest sample table of a progressive file, per track
 * @param maxSamplesPerFragment largest number of samples in one moof
 */
public record Mp4Limits(int maxHeaderBoxBytes, int maxSampleBytes, int maxSamplesPerTrack,
    int maxSamplesPerFragment) {

  public Mp4Limits {
    if (maxHeaderBoxBytes < 16 || maxSampleBytes < 1 || maxSamplesPerTrack < 1
        || maxSamplesPerFragment < 1) {
      throw new IllegalArgumentException("limits too small: " + maxHeaderBoxBytes + ", "
          + maxSampleBytes + ", " + maxSamplesPerTrack + ", " + maxSamplesPerFragment);
    }
  }

  /** 32 MB headers, 16 MB samples, 4 M samples per track, 100 k samples per fragment. */
  public static Mp4Limits defaults() {
    return new Mp4Limits(32 << 20, 16 << 20, 4 << 20, 100_000);
  }
}
