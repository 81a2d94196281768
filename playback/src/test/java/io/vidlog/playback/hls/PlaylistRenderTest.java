package io.vidlog.playback.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vidlog.playback.hls.MediaPlaylist.Segment;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Playlist rendering (RFC 8216 §4.3), one row per shape a session produces (docs/wire-protocol.md §3.5). */
class PlaylistRenderTest {
  static final Instant T = Instant.parse("2026-12-07T10:00:00.250Z");

  static Stream<Arguments> mediaPlaylists() {
    return Stream.of(
        Arguments.of("ON_DEMAND, NEVER: static, VOD, ENDLIST, one MAP",
            new MediaPlaylist(2, 0, 0, true, false, List.of(
                new Segment("i.mp4?a", false, null, 2000, "f1"),
                new Segment(null, false, null, 1500, "f2"))),
            """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-PLAYLIST-TYPE:VOD
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MAP:URI="i.mp4?a"
            #EXTINF:2.000,
            f1
            #EXTINF:1.500,
            f2
            #EXT-X-ENDLIST
            """),
        Arguments.of("LIVE, ALWAYS, window moved on: sequence numbers, DISCONTINUITY between every two, no ENDLIST",
            new MediaPlaylist(3, 41, 40, false, false, List.of(
                new Segment("i.mp4", false, null, 2500, "f41"),
                new Segment(null, true, null, 2501, "f42"),
                new Segment(null, true, null, 1999, "f43"))),
            """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-TARGETDURATION:3
            #EXT-X-MEDIA-SEQUENCE:41
            #EXT-X-DISCONTINUITY-SEQUENCE:40
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MAP:URI="i.mp4"
            #EXTINF:2.500,
            f41
            #EXT-X-DISCONTINUITY
            #EXTINF:2.501,
            f42
            #EXT-X-DISCONTINUITY
            #EXTINF:1.999,
            f43
            """),
        Arguments.of("LIVE_REPLAY, program date time, codec change: DISCONTINUITY then a new MAP",
            new MediaPlaylist(1, 7, 0, false, false, List.of(
                new Segment("i.mp4", false, T, 1000, "f7"),
                new Segment("i.mp4&FragmentNumber=8", true, T.plusMillis(1000), 1000, "f8"))),
            """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-TARGETDURATION:1
            #EXT-X-MEDIA-SEQUENCE:7
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MAP:URI="i.mp4"
            #EXT-X-PROGRAM-DATE-TIME:2026-12-07T10:00:00.250Z
            #EXTINF:1.000,
            f7
            #EXT-X-DISCONTINUITY
            #EXT-X-MAP:URI="i.mp4&FragmentNumber=8"
            #EXT-X-PROGRAM-DATE-TIME:2026-12-07T10:00:01.250Z
            #EXTINF:1.000,
            f8
            """),
        Arguments.of("LIVE_REPLAY that reached its end: ENDLIST without VOD",
            new MediaPlaylist(1, 3, 0, false, true, List.of(new Segment("i", false, null, 400, "f3"))),
            """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-TARGETDURATION:1
            #EXT-X-MEDIA-SEQUENCE:3
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MAP:URI="i"
            #EXTINF:0.400,
            f3
            #EXT-X-ENDLIST
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mediaPlaylists")
  void mediaPlaylistsRender(String name, MediaPlaylist playlist, String expected) {
    assertEquals(expected, playlist.render());
  }

  static Stream<Arguments> masterPlaylists() {
    return Stream.of(
        Arguments.of("video and audio: an audio rendition the variant refers to",
            new MasterPlaylist("avc1.64001f,mp4a.40.2", "1280x720", "25.000", 2_400_000, "m.m3u8?T=1", "m.m3u8?T=2"),
            """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,URI="m.m3u8?T=2"
            #EXT-X-STREAM-INF:BANDWIDTH=2400000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=25.000,AUDIO="audio"
            m.m3u8?T=1
            """),
        Arguments.of("H.265 video only, frame rate unknown",
            new MasterPlaylist("hvc1.1.6.L93.B0", "640x360", null, 800_000, "m.m3u8?T=1", null),
            """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="hvc1.1.6.L93.B0",RESOLUTION=640x360
            m.m3u8?T=1
            """),
        Arguments.of("audio only: the variant is the audio playlist",
            new MasterPlaylist("mp4a.40.2", null, null, 96_000, "m.m3u8?T=1", null),
            """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-STREAM-INF:BANDWIDTH=96000,CODECS="mp4a.40.2"
            m.m3u8?T=1
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("masterPlaylists")
  void masterPlaylistsRender(String name, MasterPlaylist playlist, String expected) {
    assertEquals(expected, playlist.render());
  }

  @org.junit.jupiter.api.Test
  void aSegmentLongerThanTheTargetDurationIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new MediaPlaylist(2, 0, 0, true, false,
        List.of(new Segment("i", false, null, 2500, "f"))));
    assertEquals(3, MediaPlaylist.targetDurationFor(List.of(new Segment("i", false, null, 2500, "f"))));
    assertEquals(2, MediaPlaylist.targetDurationFor(List.of(new Segment("i", false, null, 2499, "f"))));
    assertEquals(1, MediaPlaylist.targetDurationFor(List.of()));
  }
}
