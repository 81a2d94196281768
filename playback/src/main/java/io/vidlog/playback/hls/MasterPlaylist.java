package io.vidlog.playback.hls;

import java.util.Objects;

/**
 * An HLS master playlist (RFC 8216 §4.3.4) of one variant: a video (or audio-only) media playlist,
 * and an audio rendition (§4.3.4.1 EXT-X-MEDIA) when the stream has a separate audio track. One
 * {@link #render()} writes it.
 *
 * @param codecs the CODECS attribute: every codec of the variant, video first (§4.3.4.2)
 * @param resolution RESOLUTION ({@code 1280x720}), null for audio only
 * @param frameRate FRAME-RATE with three decimals, null when unknown
 * @param bandwidth BANDWIDTH in bits per second: the peak of the segments seen (§4.3.4.2)
 * @param uri the variant's media playlist
 * @param audioUri the audio rendition's media playlist, or null
 */
public record MasterPlaylist(String codecs, String resolution, String frameRate, long bandwidth, String uri,
    String audioUri) {
  static final String AUDIO_GROUP = "audio";

  public MasterPlaylist {
    Objects.requireNonNull(codecs, "codecs");
    Objects.requireNonNull(uri, "uri");
    if (bandwidth < 1) {
      throw new IllegalArgumentException("BANDWIDTH must be positive, got " + bandwidth);
    }
  }

  public String render() {
    StringBuilder b = new StringBuilder(1024);
    b.append("#EXTM3U\n");
    b.append("#EXT-X-VERSION:").append(MediaPlaylist.VERSION).append('\n');
    b.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
    if (audioUri != null) {
      b.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"").append(AUDIO_GROUP).append("\",NAME=\"audio\",DEFAULT=YES,")
          .append("AUTOSELECT=YES,URI=\"").append(audioUri).append("\"\n");
    }
    b.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(bandwidth).append(",CODECS=\"").append(codecs).append('"');
    if (resolution != null) {
      b.append(",RESOLUTION=").append(resolution);
    }
    if (frameRate != null) {
      b.append(",FRAME-RATE=").append(frameRate);
    }
    if (audioUri != null) {
      b.append(",AUDIO=\"").append(AUDIO_GROUP).append('"');
    }
    b.append('\n').append(uri).append('\n');
    return b.toString();
  }
}
