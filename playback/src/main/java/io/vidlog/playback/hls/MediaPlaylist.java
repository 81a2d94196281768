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
 * @param lowLatency the LL-HLS tags of a live playlist (draft-pantos-hls-rfc8216bis §4.4.3.7,
 *     §4.4.3.8, §4.4.4.9, §4.4.5.2, §4.4.5.3, §6.2.5.1), or null for a plain HLS playlist
 */
public record MediaPlaylist(int targetDuration, long mediaSequence, long discontinuitySequence, boolean onDemand,
    boolean ended, List<Segment> segments, LowLatency lowLatency) {

  /** A playlist without LL-HLS tags. */
  public MediaPlaylist(int targetDuration, long mediaSequence, long discontinuitySequence, boolean onDemand,
      boolean ended, List<Segment> segments) {
    this(targetDuration, mediaSequence, discontinuitySequence, onDemand, ended, segments, null);
  }

  /** EXT-X-VERSION of a delta update: EXT-X-SKIP needs 9 (draft-pantos-hls-rfc8216bis §8). */
  public static final int DELTA_VERSION = 9;

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
      String uri, List<Part> parts) {
    public Segment {
      Objects.requireNonNull(uri, "uri");
      parts = List.copyOf(parts);
    }

    public Segment(String map, boolean discontinuity, Instant programDateTime, long durationMillis, String uri) {
      this(map, discontinuity, programDateTime, durationMillis, uri, List.of());
    }

    Segment withMap(String uri) {
      return new Segment(uri, discontinuity, programDateTime, durationMillis, this.uri, parts);
    }
  }

  /**
   * An EXT-X-PART (draft-pantos-hls-rfc8216bis §4.4.4.9).
   *
   * @param independent INDEPENDENT=YES: it starts with a key frame
   */
  public record Part(long durationMillis, String uri, boolean independent) {
    public Part {
      Objects.requireNonNull(uri, "uri");
      if (durationMillis <= 0) {
        throw new IllegalArgumentException("part " + uri + " lasts " + durationMillis + " ms");
      }
    }
  }

  /**
   * The segment still being produced: its tags and the parts it has so far, without EXTINF or URI
   * (draft-pantos-hls-rfc8216bis §4.4.4.9).
   */
  public record Partial(String map, boolean discontinuity, Instant programDateTime, List<Part> parts) {
    public Partial {
      parts = List.copyOf(parts);
    }
  }

  /** An EXT-X-RENDITION-REPORT (§4.4.5.3); {@code lastPart} -1 when the rendition lists no parts. */
  public record RenditionReport(String uri, long lastMsn, int lastPart) {}

  /**
   * The LL-HLS side of a live playlist.
   *
   * @param partTargetMillis EXT-X-PART-INF PART-TARGET: at least every listed part's duration
   * @param skipped delta update: how many of the first segments EXT-X-SKIP replaces (0: a full playlist)
   * @param partial the segment being produced, or null
   * @param preloadHint the URI of the next part (EXT-X-PRELOAD-HINT TYPE=PART), or null
   */
  public record LowLatency(long partTargetMillis, int skipped, Partial partial, String preloadHint,
      List<RenditionReport> reports) {
    public LowLatency {
      reports = List.copyOf(reports);
      if (skipped < 0) {
        throw new IllegalArgumentException("skipped " + skipped);
      }
    }

    /** PART-HOLD-BACK: three part targets, the specification's recommended least (§4.4.3.8). */
    public long partHoldBackMillis() {
      return 3 * partTargetMillis;
    }
  }

  public MediaPlaylist {
    segments = List.copyOf(segments);
    if (targetDuration < 1) {
      throw new IllegalArgumentException("target duration must be at least 1 s, got " + targetDuration);
    }
    if (lowLatency != null && lowLatency.skipped() > segments.size()) {
      throw new IllegalArgumentException("skipping " + lowLatency.skipped() + " of " + segments.size() + " segments");
    }
    if (lowLatency != null) {
      for (Part p : allParts(segments, lowLatency)) {
        if (p.durationMillis() > lowLatency.partTargetMillis()) {
          throw new IllegalArgumentException("part " + p.uri() + " of " + p.durationMillis()
              + " ms is longer than the part target " + lowLatency.partTargetMillis() + " ms (§4.4.4.9)");
        }
      }
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

  /** Every part the playlist lists, complete segments' and the partial segment's, in order. */
  static List<Part> allParts(List<Segment> segments, LowLatency lowLatency) {
    List<Part> out = new java.util.ArrayList<>();
    for (Segment s : segments) {
      out.addAll(s.parts());
    }
    if (lowLatency != null && lowLatency.partial() != null) {
      out.addAll(lowLatency.partial().parts());
    }
    return out;
  }

  /** HOLD-BACK: three target durations, the specification's least (§4.4.3.8). */
  public long holdBackMillis() {
    return 3000L * targetDuration;
  }

  /** CAN-SKIP-UNTIL: six target durations, the specification's least (§4.4.3.8). */
  public long canSkipUntilMillis() {
    return 6000L * targetDuration;
  }

  /**
   * How many of the first segments a delta update may skip: those that end more than CAN-SKIP-UNTIL
   * before the end of the playlist (§6.2.5.1: the Skip Boundary).
   */
  public int skippable() {
    long fromEnd = 0;
    for (int i = segments.size() - 1; i >= 0; i--) {
      if (fromEnd >= canSkipUntilMillis()) {
        return i + 1;
      }
      fromEnd += segments.get(i).durationMillis();
    }
    return 0;
  }

  /** This playlist as a delta update that skips its first {@code skipped} segments (§6.2.5.1). */
  public MediaPlaylist delta(int skipped) {
    if (lowLatency == null) {
      throw new IllegalStateException("only an LL-HLS playlist has delta updates");
    }
    return new MediaPlaylist(targetDuration, mediaSequence, discontinuitySequence, onDemand, ended, segments,
        new LowLatency(lowLatency.partTargetMillis(), skipped, lowLatency.partial(), lowLatency.preloadHint(),
            lowLatency.reports()));
  }

  /**
   * This playlist with every URI it names (maps, segments, parts, the preload hint, rendition
   * reports) replaced by {@code f} of it.
   */
  MediaPlaylist withUris(java.util.function.UnaryOperator<String> f) {
    List<Segment> ss = new java.util.ArrayList<>(segments.size());
    for (Segment s : segments) {
      ss.add(new Segment(s.map() == null ? null : f.apply(s.map()), s.discontinuity(), s.programDateTime(),
          s.durationMillis(), f.apply(s.uri()), withUris(s.parts(), f)));
    }
    LowLatency ll = null;
    if (lowLatency != null) {
      Partial p = lowLatency.partial();
      List<RenditionReport> reports = new java.util.ArrayList<>();
      for (RenditionReport r : lowLatency.reports()) {
        reports.add(new RenditionReport(f.apply(r.uri()), r.lastMsn(), r.lastPart()));
      }
      ll = new LowLatency(lowLatency.partTargetMillis(), lowLatency.skipped(), p == null ? null
          : new Partial(p.map() == null ? null : f.apply(p.map()), p.discontinuity(), p.programDateTime(),
              withUris(p.parts(), f)),
          lowLatency.preloadHint() == null ? null : f.apply(lowLatency.preloadHint()), reports);
    }
    return new MediaPlaylist(targetDuration, mediaSequence, discontinuitySequence, onDemand, ended, ss, ll);
  }

  private static List<Part> withUris(List<Part> parts, java.util.function.UnaryOperator<String> f) {
    return parts.stream().map(p -> new Part(p.durationMillis(), f.apply(p.uri()), p.independent())).toList();
  }

  public String render() {
    StringBuilder b = new StringBuilder(256 + segments.size() * 256);
    int skipped = lowLatency == null ? 0 : lowLatency.skipped();
    b.append("#EXTM3U\n");
    b.append("#EXT-X-VERSION:").append(skipped > 0 ? DELTA_VERSION : VERSION).append('\n');
    b.append("#EXT-X-TARGETDURATION:").append(targetDuration).append('\n');
    if (lowLatency != null) {
      b.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=").append(seconds(canSkipUntilMillis()))
          .append(",PART-HOLD-BACK=").append(seconds(lowLatency.partHoldBackMillis()))
          .append(",HOLD-BACK=").append(seconds(holdBackMillis())).append('\n');
      b.append("#EXT-X-PART-INF:PART-TARGET=").append(seconds(lowLatency.partTargetMillis())).append('\n');
    }
    b.append("#EXT-X-MEDIA-SEQUENCE:").append(mediaSequence).append('\n');
    if (discontinuitySequence != 0) {
      b.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
    }
    if (onDemand) {
      b.append("#EXT-X-PLAYLIST-TYPE:VOD\n");
    }
    // every segment starts at a key frame: KVS fragments do, and the media segment begins with it
    b.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
    if (skipped > 0) {
      b.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skipped).append('\n');
    }
    String map = null;
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      map = s.map() != null ? s.map() : map;
      if (i < skipped) {
        continue;
      }
      // the first segment after the skipped ones names the initialization section it needs (§4.4.4.5)
      renderSegment(b, i == skipped && skipped > 0 && s.map() == null ? s.withMap(map) : s);
    }
    if (lowLatency != null && lowLatency.partial() != null) {
      Partial p = lowLatency.partial();
      renderTags(b, p.discontinuity(), p.map(), p.programDateTime());
      renderParts(b, p.parts());
    }
    if (lowLatency != null && lowLatency.preloadHint() != null) {
      b.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(lowLatency.preloadHint()).append("\"\n");
    }
    if (lowLatency != null) {
      for (RenditionReport r : lowLatency.reports()) {
        b.append("#EXT-X-RENDITION-REPORT:URI=\"").append(r.uri()).append("\",LAST-MSN=").append(r.lastMsn());
        if (r.lastPart() >= 0) {
          b.append(",LAST-PART=").append(r.lastPart());
        }
        b.append('\n');
      }
    }
    if (onDemand || ended) {
      b.append("#EXT-X-ENDLIST\n");
    }
    return b.toString();
  }

  private static void renderSegment(StringBuilder b, Segment s) {
    renderTags(b, s.discontinuity(), s.map(), s.programDateTime());
    renderParts(b, s.parts());
    b.append("#EXTINF:").append(seconds(s.durationMillis())).append(",\n");
    b.append(s.uri()).append('\n');
  }

  private static void renderTags(StringBuilder b, boolean discontinuity, String map, Instant programDateTime) {
    if (discontinuity) {
      b.append("#EXT-X-DISCONTINUITY\n");
    }
    if (map != null) {
      b.append("#EXT-X-MAP:URI=\"").append(map).append("\"\n");
    }
    if (programDateTime != null) {
      b.append("#EXT-X-PROGRAM-DATE-TIME:").append(PROGRAM_DATE_TIME.format(programDateTime)).append('\n');
    }
  }

  private static void renderParts(StringBuilder b, List<Part> parts) {
    for (Part p : parts) {
      b.append("#EXT-X-PART:DURATION=").append(seconds(p.durationMillis())).append(",URI=\"").append(p.uri())
          .append('"');
      if (p.independent()) {
        b.append(",INDEPENDENT=YES");
      }
      b.append('\n');
    }
  }

  /** A decimal-floating-point number of seconds with millisecond precision (§4.3.2.1). */
  static String seconds(long millis) {
    return java.math.BigDecimal.valueOf(millis, 3).toPlainString();
  }
}
