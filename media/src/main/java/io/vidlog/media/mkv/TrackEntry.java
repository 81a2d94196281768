package io.vidlog.media.mkv;

/**
 * A TrackEntry (RFC 9559 §5.1.4.1). Video fields are 0 for audio tracks and audio fields 0 (NaN
 * for the frequency) for video tracks; {@code codecPrivate} is null when absent.
 *
 * @param trackType 1 video, 2 audio, 17 subtitle, … (RFC 9559 TrackType)
 * @param defaultDurationNs DefaultDuration in ns, 0 when absent
 */
public record TrackEntry(int trackNumber, long trackUid, int trackType, String codecId, String name,
    byte[] codecPrivate, long defaultDurationNs, int pixelWidth, int pixelHeight,
    double samplingFrequency, int channels, int bitDepth) {
  public static final int TYPE_VIDEO = 1;
  public static final int TYPE_AUDIO = 2;

  public boolean isVideo() {
    return trackType == TYPE_VIDEO;
  }

  public boolean isAudio() {
    return trackType == TYPE_AUDIO;
  }
}
