package io.vidlog.media.mkv;

/**
 * Info (RFC 9559 §5.1.2). {@code timecodeScaleNs} defaults to 1,000,000 (1 ms); {@code duration}
 * is in TimecodeScale units or NaN when absent; strings are null when absent.
 */
public record SegmentInfo(long timecodeScaleNs, double duration, String title, String muxingApp,
    String writingApp, byte[] segmentUid) {
  public static final long DEFAULT_TIMECODE_SCALE = 1_000_000L;
}
