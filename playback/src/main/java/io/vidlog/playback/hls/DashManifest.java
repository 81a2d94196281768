package io.vidlog.playback.hls;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An MPEG-DASH media presentation description (ISO/IEC 23009-1) of a streaming session, as a value;
 * one {@link #render()} writes it (docs/wire-protocol.md §3.6). One Period; one AdaptationSet and
 * Representation per track, each a {@code SegmentList} with its Initialization, a
 * {@code SegmentTimeline} in milliseconds on the session's clock (the fragments' producer or server
 * start timestamps, as the fMP4 segments' own times are), and the explicit URL of each segment,
 * so a segment is named by its fragment number and any server of the store serves it.
 * {@code kvs:fn} and {@code kvs:ts} on an {@code S} element carry the fragment number and start
 * timestamp when the session asked for them (KVS's DisplayFragmentNumber, DisplayFragmentTimestamp).
 *
 * @param dynamic a LIVE or LIVE_REPLAY session still growing: {@code type="dynamic"}, refreshed
 *     every second; else {@code static} with its duration
 * @param publishTime when this manifest was made (dynamic only)
 */
public record DashManifest(boolean dynamic, Instant publishTime, List<Track> tracks) {
  static final String KVS_NAMESPACE = "https://kinesisvideo.amazonaws.com/dash";
  private static final DateTimeFormatter UTC = DateTimeFormatter.ISO_INSTANT;

  /**
   * One track's Representation.
   *
   * @param codecs the RFC 6381 codecs value
   * @param width video width (0 for audio)
   * @param sampleRate audio sampling rate (0 for video)
   */
  public record Track(int trackNumber, boolean video, String codecs, long bandwidth, int width, int height,
      int sampleRate, String initUrl, List<Segment> segments) {
    public Track {
      segments = List.copyOf(segments);
      Objects.requireNonNull(initUrl, "initUrl");
    }
  }

  /**
   * One segment: its start and duration in ms on the session's clock, its URL, and the optional
   * {@code kvs:fn} / {@code kvs:ts} values (null: not shown).
   */
  public record Segment(long startMillis, long durationMillis, String url, String fragmentNumber, Long timestampMillis) {}

  public DashManifest {
    tracks = List.copyOf(tracks);
  }

  public String render() {
    long first = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    long longest = 1;
    for (Track t : tracks) {
      for (Segment s : t.segments()) {
        first = Math.min(first, s.startMillis());
        end = Math.max(end, s.startMillis() + s.durationMillis());
        longest = Math.max(longest, s.durationMillis());
      }
    }
    if (first == Long.MAX_VALUE) {
      first = 0;
      end = 0;
    }
    StringBuilder b = new StringBuilder(2048);
    b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append("<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" xmlns:kvs=\"").append(KVS_NAMESPACE).append('"');
    b.append(" profiles=\"urn:mpeg:dash:profile:isoff-live:2011\"");
    b.append(" minBufferTime=\"").append(duration(2 * longest)).append('"');
    b.append(" maxSegmentDuration=\"").append(duration(longest)).append('"');
    if (dynamic) {
      // media times are epoch milliseconds: a Period starting at the epoch puts each segment at its
      // own wall-clock time (§5.3.9.5.3)
      b.append(" type=\"dynamic\" availabilityStartTime=\"1970-01-01T00:00:00Z\"");
      b.append(" publishTime=\"").append(UTC.format(publishTime)).append('"');
      b.append(" minimumUpdatePeriod=\"PT1S\"");
      b.append(" timeShiftBufferDepth=\"").append(duration(Math.max(longest, end - first))).append('"');
      b.append(" suggestedPresentationDelay=\"").append(duration(3 * longest)).append('"');
    } else {
      b.append(" type=\"static\" mediaPresentationDuration=\"").append(duration(end - first)).append('"');
    }
    b.append(">\n");
    b.append("  <Period id=\"0\" start=\"PT0S\">\n");
    int id = 0;
    for (Track t : tracks) {
      id++;
      b.append("    <AdaptationSet id=\"").append(id).append("\" contentType=\"").append(t.video() ? "video" : "audio")
          .append("\" mimeType=\"").append(t.video() ? "video/mp4" : "audio/mp4")
          .append("\" segmentAlignment=\"true\" startWithSAP=\"1\">\n");
      b.append("      <Representation id=\"").append(t.trackNumber()).append("\" codecs=\"").append(t.codecs())
          .append("\" bandwidth=\"").append(t.bandwidth()).append('"');
      if (t.video()) {
        b.append(" width=\"").append(t.width()).append("\" height=\"").append(t.height()).append('"');
      } else if (t.sampleRate() > 0) {
        b.append(" audioSamplingRate=\"").append(t.sampleRate()).append('"');
      }
      b.append(">\n");
      // static: the presentation starts with its first segment; dynamic: at the epoch
      b.append("        <SegmentList timescale=\"1000\" presentationTimeOffset=\"").append(dynamic ? 0 : first)
          .append("\">\n");
      b.append("          <Initialization sourceURL=\"").append(xml(t.initUrl())).append("\"/>\n");
      b.append("          <SegmentTimeline>\n");
      for (Segment s : t.segments()) {
        b.append("            <S t=\"").append(s.startMillis()).append("\" d=\"").append(s.durationMillis()).append('"');
        if (s.fragmentNumber() != null) {
          b.append(" kvs:fn=\"").append(s.fragmentNumber()).append('"');
        }
        if (s.timestampMillis() != null) {
          b.append(" kvs:ts=\"").append(s.timestampMillis()).append('"');
        }
        b.append("/>\n");
      }
      b.append("          </SegmentTimeline>\n");
      for (Segment s : t.segments()) {
        b.append("          <SegmentURL media=\"").append(xml(s.url())).append("\"/>\n");
      }
      b.append("        </SegmentList>\n");
      b.append("      </Representation>\n");
      b.append("    </AdaptationSet>\n");
    }
    b.append("  </Period>\n");
    b.append("</MPD>\n");
    return b.toString();
  }

  /** An xs:duration of seconds with millisecond precision. */
  static String duration(long millis) {
    return "PT" + java.math.BigDecimal.valueOf(millis, 3).toPlainString() + "S";
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "DashManifest[%s, %d tracks]", dynamic ? "dynamic" : "static", tracks.size());
  }
}
