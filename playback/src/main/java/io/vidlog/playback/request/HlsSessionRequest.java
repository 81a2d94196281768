package io.vidlog.playback.request;

import io.vidlog.kvs.Invalid;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.http.Fields;
import io.vidlog.playback.hls.ContainerFormat;
import io.vidlog.playback.hls.DiscontinuityMode;
import io.vidlog.playback.hls.PlaybackMode;
import io.vidlog.playback.hls.SessionProtocol;

/**
 * A validated GetHLSStreamingSessionURL request (docs/wire-protocol.md §3.5), defaults applied:
 * PlaybackMode LIVE, SERVER_TIMESTAMP, ContainerFormat FRAGMENTED_MP4, DiscontinuityMode ALWAYS for server and
 * NEVER for producer timestamps, DisplayFragmentTimestamp NEVER, Expires 300 s, and
 * MaxMediaPlaylistFragmentResults 5 (LIVE, LIVE_REPLAY) or 1000 (ON_DEMAND).
 *
 * @param startMillis TimestampRange.StartTimestamp, null for LIVE
 * @param endMillis TimestampRange.EndTimestamp, null for LIVE and an open-ended LIVE_REPLAY
 * @param protocol HLS, or DASH for a GetDASHStreamingSessionURL request ({@code DashSessionRequest})
 * @param displayNumbers DASH's DisplayFragmentNumber ALWAYS (false for HLS)
 */
public record HlsSessionRequest(StreamRef stream, PlaybackMode mode, FragmentSelectorType selector, Long startMillis,
    Long endMillis, DiscontinuityMode discontinuity, boolean displayTimestamps, int expiresSeconds, int maxResults,
    ContainerFormat container, SessionProtocol protocol, boolean displayNumbers) {
  public static final int MIN_EXPIRES = 300;
  public static final int MAX_EXPIRES = 43_200;
  public static final int DEFAULT_EXPIRES = 300;
  public static final int MAX_RESULTS = 5000;
  /** How far EndTimestamp may be after StartTimestamp (KVS's current HLSTimestampRange rule). */
  public static final long MAX_RANGE_MILLIS = 24L * 3600 * 1000;

  /** DisplayFragmentTimestamp values. */
  private enum Display { ALWAYS, NEVER }

  /** Parses and checks the request; {@code nowMillis} is the server's clock (EndTimestamp must be past). */
  public static HlsSessionRequest parse(Fields f, long nowMillis) {
    return parse(f, nowMillis, SessionProtocol.HLS);
  }

  /**
   * A GetDASHStreamingSessionURL request (docs/wire-protocol.md §3.6): the same members under DASH's
   * names (DASHFragmentSelector, MaxManifestFragmentResults), DisplayFragmentNumber, and neither
   * ContainerFormat nor DiscontinuityMode (a manifest has no discontinuity tags: NEVER).
   */
  public static HlsSessionRequest parseDash(Fields f, long nowMillis) {
    return parse(f, nowMillis, SessionProtocol.DASH);
  }

  private static HlsSessionRequest parse(Fields f, long nowMillis, SessionProtocol protocol) {
    boolean dash = protocol == SessionProtocol.DASH;
    String selectorName = dash ? "DASHFragmentSelector" : "HLSFragmentSelector";
    StreamRef stream = f.stream();
    PlaybackMode mode = orDefault(f.enumOf("PlaybackMode", PlaybackMode.class, false), PlaybackMode.LIVE);
    FragmentSelectorType selector = FragmentSelectorType.SERVER_TIMESTAMP;
    Long start = null;
    Long end = null;
    Fields sel = f.object(selectorName, mode != PlaybackMode.LIVE);
    if (sel != null) {
      selector = orDefault(sel.enumOf("FragmentSelectorType", FragmentSelectorType.class, false), selector);
      Fields range = sel.object("TimestampRange", mode != PlaybackMode.LIVE);
      if (range != null) {
        if (mode == PlaybackMode.LIVE) {
          throw Invalid.field(selectorName + ".TimestampRange", "must not be present when PlaybackMode is LIVE");
        }
        start = range.timestampMillis("StartTimestamp", true);
        end = range.timestampMillis("EndTimestamp", mode == PlaybackMode.ON_DEMAND);
      }
    }
    ContainerFormat container = dash ? ContainerFormat.FRAGMENTED_MP4
        : orDefault(f.enumOf("ContainerFormat", ContainerFormat.class, false), ContainerFormat.FRAGMENTED_MP4);
    DiscontinuityMode discontinuity = dash ? DiscontinuityMode.NEVER
        : orDefault(f.enumOf("DiscontinuityMode", DiscontinuityMode.class, false),
            selector == FragmentSelectorType.SERVER_TIMESTAMP ? DiscontinuityMode.ALWAYS : DiscontinuityMode.NEVER);
    Display display = orDefault(f.enumOf("DisplayFragmentTimestamp", Display.class, false), Display.NEVER);
    Display numbers = dash ? orDefault(f.enumOf("DisplayFragmentNumber", Display.class, false), Display.NEVER)
        : Display.NEVER;
    int expires = orDefault(f.intValue("Expires", MIN_EXPIRES, MAX_EXPIRES, false), DEFAULT_EXPIRES);
    Long max = f.integer(dash ? "MaxManifestFragmentResults" : "MaxMediaPlaylistFragmentResults", 1, MAX_RESULTS,
        false);
    if (end != null) {
      if (end <= start) {
        throw Invalid.field(selectorName + ".TimestampRange", "EndTimestamp must be after StartTimestamp");
      }
      if (end - start > MAX_RANGE_MILLIS) {
        throw Invalid.field(selectorName + ".TimestampRange",
            "EndTimestamp must be within 24 hours of StartTimestamp");
      }
      if (selector == FragmentSelectorType.SERVER_TIMESTAMP && end > nowMillis) {
        throw Invalid.field(selectorName + ".TimestampRange.EndTimestamp",
            "must be in the past for SERVER_TIMESTAMP");
      }
    }
    return new HlsSessionRequest(stream, mode, selector, start, end, discontinuity, display == Display.ALWAYS,
        expires, max == null ? mode.defaultMaxResults() : max.intValue(), container, protocol,
        numbers == Display.ALWAYS);
  }

  private static <T> T orDefault(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
