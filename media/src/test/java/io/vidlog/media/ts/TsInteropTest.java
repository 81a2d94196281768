package io.vidlog.media.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.fmp4.InteropMedia;
import io.vidlog.media.fmp4.InteropMedia.Cut;
import io.vidlog.media.fmp4.InteropMedia.Source;
import io.vidlog.media.fmp4.TestFragments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ffmpeg plays transport stream segments as HLS (RFC 8216 §3.2): a moving pattern and a tone,
 * encoded by ffmpeg (H.264 or H.265 with B-frames, AAC), cut into KVS-style fragments at key
 * frames, each made into one segment on an epoch clock, listed in a VOD media playlist. ffmpeg must
 * decode the playlist without one error message and count every video and audio frame; each
 * segment must also decode on its own. Fails (never skips) without ffmpeg.
 */
@Tag("interop")
class TsInteropTest {
  private static final int SECONDS = 4;
  private static final int FPS = 25;
  private static final long EPOCH_OFFSET_NS = 1_700_000_000_000_000_000L;

  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "h264 | -c:v libx264 -profile:v high -bf 3 -g 25 -keyint_min 25 -sc_threshold 0",
      "hevc | -c:v libx265 -x265-params log-level=error:bframes=3:keyint=25:min-keyint=25:scenecut=0"})
  void ffmpegPlaysTheSegmentsAsHlsWithEveryFrame(String codec, String encoder) throws Exception {
    Source src = InteropMedia.encode(dir.resolve("source.mkv"), encoder, true, SECONDS, FPS, "320x240");
    List<Cut> cuts = InteropMedia.cut(src);
    assertTrue(cuts.size() >= SECONDS - 1, cuts.size() + " fragments");
    StringBuilder playlist = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"
        + "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n");
    for (int i = 0; i < cuts.size(); i++) {
      Cut c = cuts.get(i);
      MkvFragmentTsRepackager r = new MkvFragmentTsRepackager();
      io.vidlog.media.mkv.MkvReader reader = new io.vidlog.media.mkv.MkvReader(r);
      reader.feed(java.nio.ByteBuffer.wrap(TestFragments.fragment(src.tracks(), c.clusterMs(), c.frames())));
      reader.end();
      Path segment = dir.resolve("segment" + i + ".ts");
      Files.write(segment, r.segment(EPOCH_OFFSET_NS));
      long next = i + 1 < cuts.size() ? cuts.get(i + 1).clusterMs() : c.clusterMs() + 1000;
      playlist.append(String.format(Locale.ROOT, "#EXTINF:%.3f,\n%s\n", (next - c.clusterMs()) / 1000.0,
          segment.getFileName()));
      assertEquals("", InteropMedia.decodeErrors(segment), "segment " + i + " decodes on its own");
    }
    playlist.append("#EXT-X-ENDLIST\n");
    Path m3u8 = dir.resolve("playlist.m3u8");
    Files.writeString(m3u8, playlist);

    assertEquals("", InteropMedia.decodeErrors(m3u8), "ffmpeg errors playing the TS playlist");
    Map<String, String> v = InteropMedia.probeStream(m3u8, "v:0");
    assertEquals(codec, v.get("codec_name"));
    assertEquals("320", v.get("width"));
    assertEquals("240", v.get("height"));
    assertEquals(String.valueOf(src.count(1)), v.get("nb_read_frames"), "video frames");
    Map<String, String> a = InteropMedia.probeStream(m3u8, "a:0");
    assertEquals("aac", a.get("codec_name"));
    assertEquals("48000", a.get("sample_rate"));
    assertEquals(String.valueOf(src.count(2)), a.get("nb_read_frames"), "audio frames");
  }
}
