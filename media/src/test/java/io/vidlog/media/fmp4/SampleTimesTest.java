package io.vidlog.media.fmp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.mkv.TrackEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Timestamps to trun timing: decode times, durations and composition offsets. */
class SampleTimesTest {
  private static final Fmp4Track VIDEO = Fmp4Track.of(TestFragments.h264(1, "avc-high-64x48"));
  private static final Fmp4Track AUDIO = Fmp4Track.of(TestFragments.aac(2, TestFragments.AAC_48K_STEREO));
  private static final long MS = 1_000_000;
  private static final long EPOCH_MS = 1_700_000_000_000L;

  @ParameterizedTest
  @CsvSource({
      "0, 90000, 0",
      "1000000, 90000, 90", // 1 ms
      "11111, 90000, 1", // 0.99 ticks rounds up
      "5555, 90000, 0", // 0.4999 ticks rounds down
      "1700000000000000000, 90000, 153000000000000", // epoch ns: no overflow
      "1700000000021333333, 48000, 81600000001024",
      "9223372036854775807, 90000, 830103483316930", // Long.MAX_VALUE ns still fits
      "-1000000, 90000, -90"})
  void nanosecondsToTicksRoundToNearest(long ns, long timescale, long ticks) {
    assertEquals(ticks, SampleTimes.ticks(ns, timescale));
  }

  static long[] ms(long... values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (EPOCH_MS + values[i]) * MS;
    }
    return out;
  }

  @Test
  void framesInOrderHaveNoCompositionOffsets() {
    SampleTimes t = SampleTimes.of(ms(0, 40, 80, 120), 4, (EPOCH_MS + 160) * MS, VIDEO);
    assertEquals(EPOCH_MS * 90, t.baseDecodeTime);
    assertArrayEquals(new long[] {3600, 3600, 3600, 3600}, t.durations);
    assertNull(t.compositionOffsets);
  }

  @Test
  void bFramesShiftDecodeTimesByTheReorderingDelay() {
    // presentation I0 B1 B2 P3 stored I0 P3 B1 B2: the P is decoded two frames before it is shown
    SampleTimes t = SampleTimes.of(ms(0, 120, 40, 80), 4, (EPOCH_MS + 160) * MS, VIDEO);
    assertEquals(EPOCH_MS * 90 - 3600, t.baseDecodeTime, "decoding starts one frame early");
    assertArrayEquals(new long[] {3600, 3600, 3600, 3600}, t.durations);
    // decode times base + 0, 1, 2, 3 frames; shown at 0, 3, 1, 2 (+1 frame of delay)
    assertArrayEquals(new int[] {3600, 10800, 0, 0}, t.compositionOffsets);
    assertFalse(t.negativeOffsets);
  }

  @Test
  void withoutTheShiftConsecutiveSegmentsMeetWhateverTheirReordering() {
    // a GOP without reordering, then one with: each segment's own delay differs (0, then 1 frame)
    long[] first = ms(0, 40, 80, 120);
    long[] second = ms(160, 280, 200, 240);
    SampleTimes a = SampleTimes.of(first, 4, (EPOCH_MS + 160) * MS, VIDEO, true);
    SampleTimes b = SampleTimes.of(second, 4, (EPOCH_MS + 320) * MS, VIDEO, true);
    assertTrue(b.baseDecodeTime < a.baseDecodeTime + java.util.Arrays.stream(a.durations).sum(),
        "shifted by each segment's own delay, the second runs back into the first");
    SampleTimes c = SampleTimes.of(first, 4, (EPOCH_MS + 160) * MS, VIDEO, false);
    SampleTimes d = SampleTimes.of(second, 4, (EPOCH_MS + 320) * MS, VIDEO, false);
    assertEquals(EPOCH_MS * 90, c.baseDecodeTime);
    assertEquals(c.baseDecodeTime + java.util.Arrays.stream(c.durations).sum(), d.baseDecodeTime,
        "the second segment's decoding starts where the first one's ended, at its first presentation");
    assertArrayEquals(new int[] {0, 7200, -3600, -3600}, d.compositionOffsets);
    assertTrue(d.negativeOffsets);
  }

  @Test
  void aClockStartingAtZeroKeepsDecodeTimesNonNegative() {
    long[] pts = {0, 120 * MS, 40 * MS, 80 * MS};
    SampleTimes t = SampleTimes.of(pts, 4, 160 * MS, VIDEO);
    assertEquals(0, t.baseDecodeTime);
    assertTrue(t.negativeOffsets, "the delay no longer fits: offsets go negative (trun version 1)");
    assertArrayEquals(new int[] {0, 7200, -3600, -3600}, t.compositionOffsets);
  }

  @Test
  void aTimestampBeforeTheOriginIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> SampleTimes.of(new long[] {-MS, 0}, 2,
        MediaSegmentBuilder.NO_END, VIDEO));
  }

  @ParameterizedTest
  @CsvSource({
      "160, 3600", // the next fragment starts one frame on
      "150, 2700", // a shorter last frame
      "200, 7200", // two frame intervals: still the stream's own timing
      "201, 3600", // past two: a gap, the last frame keeps its interval
      "100, 3600", // an end before the last frame (an index duration without it)
      "-1, 3600"}) // no end
  void lastVideoFrameEndsAtTheGivenEndUnlessPastAGap(long endMs, long lastDuration) {
    long end = endMs < 0 ? MediaSegmentBuilder.NO_END : (EPOCH_MS + endMs) * MS;
    SampleTimes t = SampleTimes.of(ms(0, 40, 80, 120), 4, end, VIDEO);
    assertEquals(lastDuration, t.durations[3]);
  }

  @Test
  void aSingleVideoFrameLastsUntilTheEndOrOneFrameOfItsRate() {
    assertEquals(4500, SampleTimes.of(ms(0), 1, (EPOCH_MS + 50) * MS, VIDEO).durations[0]);
    Fmp4Track ntsc = Fmp4Track.of(TestFragments.h264(1, "avc-high-ntsc-352x240")); // VUI: 30000/1001
    assertEquals(3003, SampleTimes.of(ms(0), 1, MediaSegmentBuilder.NO_END, ntsc).durations[0]);
    Fmp4Track noRate = Fmp4Track.of(TestFragments.h265(1, "hevc-main-320x180"));
    assertEquals(3000, SampleTimes.of(ms(0), 1, MediaSegmentBuilder.NO_END, noRate).durations[0]);
  }

  @Test
  void millisecondAudioTimestampsGiveExactAacFrames() {
    long[] pts = new long[10];
    for (int i = 0; i < pts.length; i++) {
      pts[i] = (EPOCH_MS + Math.round(i * 1024 / 48.0)) * MS; // 0, 21, 43, 64, 85, ...
    }
    SampleTimes t = SampleTimes.of(pts, pts.length, MediaSegmentBuilder.NO_END, AUDIO);
    assertEquals(EPOCH_MS * 48, t.baseDecodeTime);
    for (long d : t.durations) {
      assertEquals(1024, d);
    }
    assertNull(t.compositionOffsets);
  }

  @Test
  void anAudioGapIsKept() {
    // frames 0..2, then frame 5: two frames were lost
    long[] pts = {EPOCH_MS * MS, (EPOCH_MS + 21) * MS, (EPOCH_MS + 43) * MS, (EPOCH_MS + 107) * MS,
        (EPOCH_MS + 128) * MS};
    SampleTimes t = SampleTimes.of(pts, pts.length, MediaSegmentBuilder.NO_END, AUDIO);
    assertEquals(1024, t.durations[0]);
    assertEquals(1024, t.durations[1]);
    // 2048 decoded so far; the next frame is at 107 ms = 5136 ticks
    assertEquals(5136 - 2048, t.durations[2], "the gap goes into the frame before it");
    assertEquals(1024, t.durations[3]);
  }

  @Test
  void heAacFramesLastTwiceAsManyOutputSamples() {
    // explicit SBR signalling: AOT 5, core 24 kHz, extension 48 kHz, then AAC LC
    byte[] asc = new io.vidlog.media.audio.AudioSpecificConfig(2, 24000, 2, true, false, 48000, false).toBytes();
    Fmp4Track he = Fmp4Track.of(new TrackEntry(2, 1, 2, "A_AAC", null, asc, 0, 0, 0, 48000, 2, 0));
    assertEquals(48000, he.timescale());
    assertEquals(2048, he.aacFrameTicks());
    assertEquals("mp4a.40.5", he.codecString());
  }
}
