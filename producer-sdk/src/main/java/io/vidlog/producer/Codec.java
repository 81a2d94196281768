package io.vidlog.producer;

/** The codecs a {@link TrackConfig} can carry, with their Matroska CodecID and track type (RFC 9559). */
public enum Codec {
  /** H.264/AVC, {@code V_MPEG4/ISO/AVC}. */
  H264("V_MPEG4/ISO/AVC", 1),
  /** H.265/HEVC, {@code V_MPEGH/ISO/HEVC}. */
  H265("V_MPEGH/ISO/HEVC", 1),
  /** AAC, {@code A_AAC}; CodecPrivate is the AudioSpecificConfig. */
  AAC("A_AAC", 2);

  private final String codecId;
  private final int trackType;

  Codec(String codecId, int trackType) {
    this.codecId = codecId;
    this.trackType = trackType;
  }

  public String codecId() {
    return codecId;
  }

  /** 1 video, 2 audio (Matroska TrackType). */
  public int trackType() {
    return trackType;
  }

  public boolean isVideo() {
    return trackType == 1;
  }
}
