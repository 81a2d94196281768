package io.vidlog.media.ts;

import static io.vidlog.media.fmp4.TestFragments.AAC_48K_STEREO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.audio.AdtsHeader;
import io.vidlog.media.fmp4.TestFragments;
import io.vidlog.media.fmp4.TestFragments.Frame;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.NalUnits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transport stream segments read back by a strict reader: whole packets, continuity counters,
 * PSI with valid CRCs, and one PES per frame carrying exactly the frame (Annex-B with an AUD and,
 * on key frames, the parameter sets; AAC behind an ADTS header that describes it) at the frame's
 * time, decode times never after presentation times, and a PCR ahead of every decode time.
 */
class TsSegmentBuilderTest {
  static final long OFFSET_NS = 1_700_000_000_000_000_000L;
  static final List<TrackEntry> AV = List.of(TestFragments.h264(1, "avc-main-640x360"),
      TestFragments.aac(2, AAC_48K_STEREO));

  static byte[] segment(byte[] mkv, int slice, long offsetNs) {
    MkvFragmentTsRepackager r = new MkvFragmentTsRepackager();
    MkvReader reader = new MkvReader(r);
    for (int off = 0; off < mkv.length; off += slice) {
      byte[] copy = Arrays.copyOfRange(mkv, off, Math.min(mkv.length, off + slice));
      reader.feed(ByteBuffer.wrap(copy));
      Arrays.fill(copy, (byte) 0x55); // nothing may keep views of the input
    }
    reader.end();
    return r.segment(offsetNs);
  }

  static byte[] annexB(byte[] frame) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (ByteBuffer n : NalUnits.splitAvcc(ByteBuffer.wrap(frame), 4)) {
      b.writeBytes(new byte[] {0, 0, 0, 1});
      byte[] x = new byte[n.remaining()];
      n.get(x);
      b.writeBytes(x);
    }
    return b.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 13, 4096, 1 << 20})
  void everyFrameComesBackInItsPesAtItsTime(int slice) {
    Random rnd = new Random(1);
    List<Frame> video = TestFragments.videoWithBFrames(1, 50, rnd);
    List<Frame> audio = TestFragments.audio(2, 94, 0, rnd);
    List<Frame> frames = TestFragments.interleave(video, audio);
    long clusterMs = 5_000;
    TsReader ts = TsReader.read(segment(TestFragments.fragment(AV, clusterMs, frames), slice, OFFSET_NS));

    assertEquals(java.util.Map.of(TsSegmentBuilder.VIDEO_PID, 0x1B, TsSegmentBuilder.AUDIO_PID, 0x0F), ts.pmtStreams);
    assertEquals(TsSegmentBuilder.VIDEO_PID, ts.pcrPid);
    assertEquals(java.util.Map.of(0, 1, 0x1000, 1, TsSegmentBuilder.VIDEO_PID, 1, TsSegmentBuilder.AUDIO_PID, 1),
        ts.discontinuities, "each PID says once, at its first packet, that its counter starts afresh");
    // PES in the fragment's order
    assertEquals(frames.stream().map(f -> f.track() == 1 ? TsSegmentBuilder.VIDEO_PID : TsSegmentBuilder.AUDIO_PID)
        .toList(), ts.pes.stream().map(TsReader.Pes::pid).toList());

    AvcConfig avc = AvcConfig.parse(AV.get(0).codecPrivate());
    ByteArrayOutputStream sets = new ByteArrayOutputStream();
    for (List<byte[]> l : List.of(avc.sps(), avc.pps())) {
      for (byte[] n : l) {
        sets.writeBytes(new byte[] {0, 0, 0, 1});
        sets.writeBytes(n);
      }
    }
    List<TsReader.Pes> v = ts.of(TsSegmentBuilder.VIDEO_PID);
    long lastDts = Long.MIN_VALUE;
    long lastPcr = Long.MIN_VALUE;
    for (int i = 0; i < video.size(); i++) {
      Frame f = video.get(i);
      TsReader.Pes p = v.get(i);
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.writeBytes(new byte[] {0, 0, 0, 1, 0x09, (byte) 0xF0});
      if (f.key()) {
        expected.writeBytes(sets.toByteArray());
      }
      expected.writeBytes(annexB(f.payload()));
      assertArrayEquals(expected.toByteArray(), p.payload(), "video frame " + i);
      assertEquals(0xE0, p.streamId());
      assertEquals(f.key(), p.randomAccess(), "random_access_indicator of frame " + i);
      long pts = TsSegmentBuilder.ticks(OFFSET_NS + (clusterMs + f.relativeMs()) * 1_000_000L) % (1L << 33);
      assertEquals(pts, p.pts(), "PTS of video frame " + i);
      assertTrue(p.dts() <= p.pts() && p.dts() > lastDts, "DTS of frame " + i + " increases and is not after its PTS");
      assertTrue(p.pcr() >= 0 && p.pcr() <= p.dts() && p.pcr() > lastPcr, "PCR at frame " + i);
      lastDts = p.dts();
      lastPcr = p.pcr();
    }
    List<TsReader.Pes> a = ts.of(TsSegmentBuilder.AUDIO_PID);
    for (int i = 0; i < audio.size(); i++) {
      TsReader.Pes p = a.get(i);
      AdtsHeader h = AdtsHeader.parse(ByteBuffer.wrap(p.payload()));
      assertEquals(48000, h.sampleRate());
      assertEquals(2, h.channelConfig());
      assertEquals(2, h.audioObjectType());
      assertEquals(p.payload().length, h.frameLength());
      assertArrayEquals(audio.get(i).payload(), Arrays.copyOfRange(p.payload(), 7, p.payload().length));
      assertEquals(0xC0, p.streamId());
      assertEquals(p.pts(), p.dts());
      assertEquals(TsSegmentBuilder.ticks(OFFSET_NS + (clusterMs + audio.get(i).relativeMs()) * 1_000_000L)
          % (1L << 33), p.pts(), "PTS of audio frame " + i);
      assertTrue(p.pts() > lastPcr - 90_000 * 2, "audio near the clock");
    }
  }

  @Test
  void theSameSegmentWhateverTheSliceSize() {
    Random rnd = new Random(2);
    byte[] mkv = TestFragments.fragment(AV, 0, TestFragments.interleave(TestFragments.videoWithBFrames(1, 20, rnd),
        TestFragments.audio(2, 40, 0, rnd)));
    assertArrayEquals(segment(mkv, 1 << 20, OFFSET_NS), segment(mkv, 7, OFFSET_NS));
  }

  @Test
  void hevcAndAudioOnlyAndTheRefusals() {
    Random rnd = new Random(3);
    TsReader hevc = TsReader.read(segment(TestFragments.fragment(List.of(TestFragments.h265(1, "hevc-main-320x180")),
        0, TestFragments.videoWithBFrames(1, 10, rnd)), 4096, OFFSET_NS));
    assertEquals(java.util.Map.of(TsSegmentBuilder.VIDEO_PID, 0x24), hevc.pmtStreams);
    byte[] first = hevc.of(TsSegmentBuilder.VIDEO_PID).get(0).payload();
    assertArrayEquals(new byte[] {0, 0, 0, 1, 0x46, 0x01, 0x50}, Arrays.copyOf(first, 7), "an HEVC AUD first");

    TsReader audio = TsReader.read(segment(TestFragments.fragment(List.of(TestFragments.aac(1, AAC_48K_STEREO)), 0,
        TestFragments.audio(1, 10, 0, rnd)), 4096, OFFSET_NS));
    assertEquals(TsSegmentBuilder.AUDIO_PID, audio.pcrPid, "without video the PCR rides on the audio");
    assertTrue(audio.of(TsSegmentBuilder.AUDIO_PID).stream().allMatch(p -> p.pcr() >= 0));

    TrackEntry noPrivate = new TrackEntry(1, 1, 1, "V_MPEG/ISO/AVC", "v", null, 0, 0, 0, Double.NaN, 0, 0);
    assertThrows(MediaFormatException.class, () -> segment(TestFragments.fragment(List.of(noPrivate), 0,
        TestFragments.videoWithBFrames(1, 3, rnd)), 4096, OFFSET_NS));
    TrackEntry subtitles = new TrackEntry(1, 1, 17, "S_TEXT/UTF8", "s", null, 0, 0, 0, Double.NaN, 0, 0);
    MediaFormatException none = assertThrows(MediaFormatException.class, () -> segment(TestFragments.fragment(
        List.of(subtitles), 0, List.of(new Frame(1, 0, true, "hi".getBytes()))), 4096, OFFSET_NS));
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, none.kind());
  }
}
