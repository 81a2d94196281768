package io.vidlog.playback.hls;

/**
 * A session's media playlist: a rendering that the sessions listing the same share, with this
 * session's token (docs/wire-protocol.md §3.5).
 */
record SessionPlaylist(SharedPlaylist shared, String token) {

  /** The playlist's text in UTF-8, as it is served. */
  byte[] bytes() {
    return shared.bytes(token);
  }

  /** The playlist's text. */
  String render() {
    return new String(bytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The playlist as a value, with this session's token in its URIs. */
  MediaPlaylist playlist() {
    return shared.playlist(token);
  }
}
