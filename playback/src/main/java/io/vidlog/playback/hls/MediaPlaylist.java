package io.vidlog.playback.hls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An HLS media playlist (RFC 8216 §4.3.3, §4.3.2) of fragmented-MP4 segments, as a value; one
 * {@link #render()} writes it.
 *
 * @param targetDuration EXT-X-TARGETDURATION in whole seconds: at least every segment's duration
 *     rounded to the nearest second (§4.3.3.1)
 * @param mediaSequence EXT-X-MEDIA-SEQUENCE, the number of the first segment (§4.3.3.2)
 * @param discontinuitySequence EXT-X-DISCONTINUITY-SEQUENCE, the discontinuity number of the first
 *     segment (§4.3.3.3); written when not 0
 * @param onDemand EXT-X-PLAYLIST-TYPE:VOD and EXT-X-ENDLIST: the list will not change (§4.3.3.5, §4.3.3.4)
 * @param ended EXT-X-ENDLIST alone: no segment will be added (a replay that reached its end)
 */
public record MediaPlaylist(int targetDuration, long mediaSequence, long discontinuitySequence, boolean onDemand,
    boolean ended, List<Segment> segments) {

  /**
   * EXT-X-VERSION: 6, the lowest that allows EXT-X-MAP in a playlist that is not I-frames only
   * (§7); nothing here needs more.
   */
  public static final int VERSION = 6;
  private static final DateTimeFormatter PROGRAM_DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * One media segment and the tags that precede it.
   *
   * @param map the URI of an EXT-X-MAP to write before it (§4.3.2.5): the first segment's, and
   *     wherever the initialization segment changes; null otherwise
   * @param discontinuity EXT-X-DISCONTINUITY before it (§4.3.2.3)
   * @param programDateTime EXT-X-PROGRAM-DATE-TIME of its first sample (§4.3.2.6), or null
   * @param durationMillis its EXTINF duration (§4.3.2.1)
   */
  public record Segment(String map, boolean discontinuity, Instant programDateTime, long durationMillis,
      String uri) {
    public Segment {
      Objects.requireNonNull(uri, "uri");
    }
  }

  public MediaPlaylist {
    segments = List.copyOf(segments);
    if (targetDuration < 1) {
      throw new IllegalArgumentException("target duration must be at least 1 s, got " + targetDuration);
    }
    for (Segment s : segments) {
      if (Math.round(s.durationMillis() / 1000.0) > targetDuration) {
        throw new IllegalArgumentException("segment " + s.uri() + " of " + s.durationMillis()
            + " ms is longer than the target duration " + targetDuration + " s (RFC 8216 §4.3.3.1)");
      }
    }
  }

  /** The smallest valid target duration for segments of these lengths (at least 1 s). */
  public static int targetDurationFor(List<Segment> segments) {
    long max = 1;
    for (Segment s : segments) {
      max = Math.max(max, Math.round(s.durationMillis() / 1000.0));
    }
    return (int) max;
  }

  public String render() {
    StringBuilder b = new StringBuilder(256 + segments.size() * 256);
    b.append("#EXTM3U\n");
    b.append("#EXT-X-VERSION:").append(VERSION).append('\n');
    b.append("#EXT-X-TARGETDURATION:").append(targetDuration).append('\n');
    b.append("#EXT-X-MEDIA-SEQUENCE:").append(mediaSequence).append('\n');
    if (discontinuitySequence != 0) {
      b.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
    }
    if (onDemand) {
      b.append("#EXT-X-PLAYLIST-TYPE:VOD\n");
    }
    // every segment starts at a key frame: KVS fragments do, and the media segment begins with it
    b.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
    for (Segment s : segments) {
      if (s.discontinuity()) {
        b.append("#EXT-X-DISCONTINUITY\n");
      }
      if (s.map() != null) {
        b.append("#EXT-X-MAP:URI=\"").append(s.map()).append("\"\n");
      }
      if (s.programDateTime() != null) {
        b.append("#EXT-X-PROGRAM-DATE-TIME:").append(PROGRAM_DATE_TIME.format(s.programDateTime())).append('\n');
      }
      b.append("#EXTINF:").append(seconds(s.durationMillis())).append(",\n");
      b.append(s.uri()).append('\n');
    }
    if (onDemand || ended) {
      b.append("#EXT-X-ENDLIST\n");
    }
    return b.toString();
  }

  /** A decimal-floating-point number of seconds with millisecond precision (§4.3.2.1). */
  static String seconds(long millis) {
    return java.math.BigDecimal.valueOf(millis, 3).toPlainString();
  }
}
