package io.vidlog.playback.hls;

import io.vidlog.fragmentstore.FragmentNumber;

/**
 * The HLS URL family under {@code /hls/v1/} with KVS's resource and query parameter names
 * (docs/wire-protocol.md §3.5). Playlists refer to each other and to segments by relative URI
 * (RFC 8216 §4.1, resolved against the playlist's URL, RFC 3986 §5), so they work behind any
 * host name or proxy prefix that keeps the last path segment's directory.
 */
public final class HlsUrls {
  public static final String PREFIX = "/hls/v1/";
  /** The DASH family: the manifest, and the same init and media segment names (docs/wire-protocol.md §3.6). */
  public static final String DASH_PREFIX = "/dash/v1/";
  public static final String DASH_MANIFEST = "getDASHManifest.mpd";
  public static final String MASTER = "getHLSMasterPlaylist.m3u8";
  public static final String MEDIA = "getHLSMediaPlaylist.m3u8";
  public static final String INIT = "getMP4InitFragment.mp4";
  public static final String FRAGMENT = "getMP4MediaFragment.mp4";
  public static final String TS_FRAGMENT = "getTSFragment.ts";
  public static final String SESSION_TOKEN = "SessionToken";
  public static final String TRACK_NUMBER = "TrackNumber";
  public static final String FRAGMENT_NUMBER = "FragmentNumber";
  /** LL-HLS: the index of a partial segment within its fragment's track, from 0 (vidlog extension). */
  public static final String PART_NUMBER = "PartNumber";

  private HlsUrls() {}

  /** The session URL GetHLSStreamingSessionURL returns, on {@code endpoint} (scheme, host, port; no path). */
  public static String session(String endpoint, String token) {
    return endpoint + PREFIX + MASTER + "?" + SESSION_TOKEN + "=" + token;
  }

  /** The session URL GetDASHStreamingSessionURL returns: its manifest. */
  public static String dashSession(String endpoint, String token) {
    return endpoint + DASH_PREFIX + DASH_MANIFEST + "?" + SESSION_TOKEN + "=" + token;
  }

  public static String mediaPlaylist(String token, int track) {
    return MEDIA + "?" + SESSION_TOKEN + "=" + token + "&" + TRACK_NUMBER + "=" + track;
  }

  /**
   * The init segment of a track: of the session's first fragment, or, after a change of codec
   * private data, of the first fragment with the new data ({@code from}, null for the first).
   */
  public static String init(String token, int track, FragmentNumber from) {
    return INIT + "?" + SESSION_TOKEN + "=" + token + "&" + TRACK_NUMBER + "=" + track
        + (from == null ? "" : "&" + FRAGMENT_NUMBER + "=" + from.value());
  }

  /** A fragment as one MPEG-TS segment, every track muxed (ContainerFormat MPEG_TS): no TrackNumber. */
  public static String tsFragment(String token, FragmentNumber number) {
    return TS_FRAGMENT + "?" + FRAGMENT_NUMBER + "=" + number.value() + "&" + SESSION_TOKEN + "=" + token;
  }

  public static String fragment(String token, FragmentNumber number, int track) {
    return FRAGMENT + "?" + FRAGMENT_NUMBER + "=" + number.value() + "&" + SESSION_TOKEN + "=" + token + "&"
        + TRACK_NUMBER + "=" + track;
  }

  /** An LL-HLS partial segment: part {@code index} of a track of a fragment (docs/wire-protocol.md §3.5). */
  public static String part(String token, FragmentNumber number, int track, int index) {
    return fragment(token, number, track) + "&" + PART_NUMBER + "=" + index;
  }
}
