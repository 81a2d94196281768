package io.vidlog.media.mp4;

/**
 * A track of an uploaded MP4, described in Matroska terms so ingest can write it as a Matroska
 * TrackEntry without knowing MP4.
 *
 * @param trackId tkhd track_ID
 * @param codecId Matroska CodecID: {@code V_MPEG4/ISO/AVC}, {@code V_MPEGH/ISO/HEVC} or {@code A_AAC}
 * @param codecPrivate the avcC / hvcC record or the AudioSpecificConfig, as Matroska CodecPrivate
 * @param codecString RFC 6381 codecs value
 * @param timescale mdhd timescale: ticks per second of this track's sample times
 * @param editMediaTime media_time of the first non-empty edit (elst), 0 without an edit list:
 *     subtract it from presentation times to get the times a player presents
 */
public record Mp4Track(int trackId, Kind kind, String codecId, byte[] codecPrivate,
    String codecString, int width, int height, int sampleRate, int channels, long timescale,
    long editMediaTime) {

  /** Track kinds vidlog carries. */
  public enum Kind { VIDEO, AUDIO }
}
