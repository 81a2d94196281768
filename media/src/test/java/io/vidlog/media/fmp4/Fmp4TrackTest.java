package io.vidlog.media.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Tracks from TrackEntries, and the HLS attribute values they give. */
class Fmp4TrackTest {

  @ParameterizedTest
  @CsvSource({
      "avc-baseline-320x180, avc1.42c00c, 320x180",
      "avc-high-1920x1080, avc1.640028, 1920x1080",
      "avc-high-ntsc-352x240, avc1.64000d, 352x240",
      "hevc-main-1920x1080, hvc1.1.6.L120.90, 1920x1080",
      "hevc-main10-352x288, hvc1.2.4.L60.90, 352x288"})
  void videoAttributesMatchFfprobe(String fixture, String codecs, String resolution) {
    Map<String, String> golden = Fixtures.codecGolden().get(fixture);
    TrackEntry e = fixture.startsWith("avc") ? TestFragments.h264(1, fixture) : TestFragments.h265(1, fixture);
    Fmp4Track t = Fmp4Track.of(e);
    assertTrue(t.isVideo());
    assertEquals(90_000, t.timescale());
    assertEquals(codecs, t.codecString());
    assertEquals(golden.get("width") + "x" + golden.get("height"), t.resolution());
    assertEquals(resolution, t.resolution());
  }

  @Test
  void hlsValues() {
    Fmp4Track video = Fmp4Track.of(TestFragments.h264(1, "avc-high-ntsc-352x240"));
    Fmp4Track audio = Fmp4Track.of(TestFragments.aac(2, TestFragments.AAC_48K_STEREO));
    assertEquals("avc1.64000d,mp4a.40.2", Fmp4Track.hlsCodecs(List.of(audio, video)), "video first");
    assertEquals("mp4a.40.2", Fmp4Track.hlsCodecs(List.of(audio)));
    assertEquals("29.970", Fmp4Track.hlsFrameRate(video.frameRate()));
    assertEquals("25.000", Fmp4Track.hlsFrameRate(25));
    assertNull(Fmp4Track.hlsFrameRate(Double.NaN));
    assertNull(Fmp4Track.hlsFrameRate(0));
    assertNull(audio.resolution());
    assertEquals(48_000, audio.timescale());
    assertEquals(1024, audio.aacFrameTicks());
  }

  @Test
  void unsupportedAndMissingCodecPrivateAreTold() {
    TrackEntry opus = new TrackEntry(2, 1, 2, "A_OPUS", null, new byte[19], 0, 0, 0, 48000, 2, 0);
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> Fmp4Track.of(opus));
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
    assertFalse(Fmp4Track.missingCodecPrivate(opus));

    TrackEntry bare = new TrackEntry(1, 1, 1, "V_MPEG4/ISO/AVC", null, null, 0, 0, 0, Double.NaN, 0, 0);
    e = assertThrows(MediaFormatException.class, () -> Fmp4Track.of(bare));
    assertEquals(MediaFormatException.Kind.MALFORMED, e.kind());
    assertTrue(Fmp4Track.missingCodecPrivate(bare));

    TrackEntry garbage = new TrackEntry(1, 1, 1, "V_MPEG4/ISO/AVC", null, new byte[] {9, 9, 9}, 0, 0, 0,
        Double.NaN, 0, 0);
    e = assertThrows(MediaFormatException.class, () -> Fmp4Track.of(garbage));
    assertEquals(MediaFormatException.Kind.MALFORMED, e.kind());
    assertEquals(MediaFormatException.Format.H264, e.format());
    assertFalse(Fmp4Track.missingCodecPrivate(garbage));
  }

  @Test
  void tracksCompareByContent() {
    Fmp4Track a = Fmp4Track.of(TestFragments.h264(1, "avc-high-64x48"));
    Fmp4Track b = Fmp4Track.of(TestFragments.h264(1, "avc-high-64x48"));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, Fmp4Track.of(TestFragments.h264(1, "avc-main-640x360")), "a codec private change");
    assertNotEquals(a, Fmp4Track.of(TestFragments.h264(2, "avc-high-64x48")));
    byte[] config = a.codecConfig();
    config[0] = 0;
    assertEquals(b, a, "the accessor hands out a copy");
  }
}
