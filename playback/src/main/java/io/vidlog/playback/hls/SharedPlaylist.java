package io.vidlog.playback.hls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A media playlist rendered once for every session that lists the same segments and parts
 * (docs/wire-protocol.md §3.5): its URIs carry {@link #TOKEN} where the session token goes, and
 * each session's answer is the rendered text with its own token spliced in. The sessions of a live
 * stream differ in their tokens only, so a part that completes costs one rendering per playlist
 * variant, not one per held request.
 */
final class SharedPlaylist {
  /**
   * Stands for the session token in the template. A token is base64url (SessionToken) and no other
   * playlist text holds a control character, so every occurrence is a token's place.
   */
  static final String TOKEN = "\u0000";

  private final MediaPlaylist template;
  /** The rendered text in UTF-8, split at each {@link #TOKEN}: one more piece than tokens. */
  private final byte[][] pieces;
  private final int piecesLength;

  private SharedPlaylist(MediaPlaylist template) {
    this.template = template;
    String text = template.render();
    List<byte[]> out = new ArrayList<>();
    int from = 0;
    int length = 0;
    for (int at = text.indexOf(TOKEN); at >= 0; at = text.indexOf(TOKEN, from)) {
      byte[] piece = text.substring(from, at).getBytes(StandardCharsets.UTF_8);
      out.add(piece);
      length += piece.length;
      from = at + TOKEN.length();
    }
    byte[] last = text.substring(from).getBytes(StandardCharsets.UTF_8);
    out.add(last);
    this.pieces = out.toArray(new byte[0][]);
    this.piecesLength = length + last.length;
  }

  /** Renders {@code template}, a playlist whose URIs carry {@link #TOKEN} for the session token. */
  static SharedPlaylist of(MediaPlaylist template) {
    return new SharedPlaylist(template);
  }

  /** The playlist as a value, with {@link #TOKEN} where the session token goes. */
  MediaPlaylist template() {
    return template;
  }

  /** The rendered playlist of the session with {@code token}, in UTF-8. */
  byte[] bytes(String token) {
    byte[] t = token.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[piecesLength + (pieces.length - 1) * t.length];
    int at = 0;
    for (int i = 0; i < pieces.length; i++) {
      if (i > 0) {
        System.arraycopy(t, 0, out, at, t.length);
        at += t.length;
      }
      System.arraycopy(pieces[i], 0, out, at, pieces[i].length);
      at += pieces[i].length;
    }
    return out;
  }

  /** The playlist of the session with {@code token}, as a value (what {@link #bytes} renders). */
  MediaPlaylist playlist(String token) {
    return template.withUris(uri -> uri.replace(TOKEN, token));
  }
}
