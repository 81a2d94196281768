package io.vidlog.media.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mp4parser.Box;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.MovieFragmentBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentBaseMediaDecodeTimeBox;
import org.mp4parser.boxes.iso14496.part12.TrackRunBox;
import org.mp4parser.tools.Path;

/**
 * Live chunks, read back by mp4parser: one moof + mdat per frame, and together the same samples
 * (decode times, durations, flags, bytes) as the whole fragment's media segment.
 */
class LiveChunksTest {
  private static final Fmp4Track VIDEO = Fmp4Track.of(TestFragments.h264(1, "avc-high-64x48"));
  private static final Fmp4Track AUDIO = Fmp4Track.of(TestFragments.aac(2, TestFragments.AAC_44K_STEREO));
  private static final long MS = 1_000_000;
  private static final long OFFSET_NS = 1_700_000_000_000L * MS;

  /** One sample as a reader derives it. */
  record Sample(long decode, long duration, int size, boolean sync, byte first) {}

  @Test
  void videoChunksCarryTheWholeSegmentsSamples() throws IOException {
    Random random = new Random(7);
    for (int run = 0; run < 20; run++) {
      long t = random.nextInt(1000);
      List<long[]> frames = new ArrayList<>();
      int n = 1 + random.nextInt(60);
      for (int i = 0; i < n; i++) {
        frames.add(new long[] {t * MS, i == 0 || random.nextInt(10) == 0 ? 1 : 0, 1 + random.nextInt(300)});
        t += 30 + random.nextInt(20); // a camera's jittery 40 ms
      }
      assertEquals(whole(VIDEO, frames), chunked(VIDEO, frames), "run " + run);
    }
  }

  @Test
  void audioChunksCarryTheWholeSegmentsSamplesGapsIncluded() throws IOException {
    Random random = new Random(11);
    for (int run = 0; run < 20; run++) {
      double t = random.nextInt(1000);
      List<long[]> frames = new ArrayList<>();
      int n = 1 + random.nextInt(100);
      for (int i = 0; i < n; i++) {
        frames.add(new long[] {Math.round(t) * MS, 1, 1 + random.nextInt(300)});
        t += 1024 * 1000.0 / 44_100 + (random.nextInt(30) == 0 ? 200 : 0); // millisecond stamps, a gap now and then
      }
      assertEquals(whole(AUDIO, frames), chunked(AUDIO, frames), "run " + run);
    }
  }

  @Test
  void aFramePresentedBeforeAnEarlierOneStopsTheChunks() {
    LiveChunks c = new LiveChunks(VIDEO, OFFSET_NS, 1);
    assertNull(c.add(0, true, ByteBuffer.allocate(4)));
    assertTrue(c.add(120 * MS, false, ByteBuffer.allocate(4)).segment() != null);
    assertSame(LiveChunks.REORDERED, c.add(40 * MS, false, ByteBuffer.allocate(4)));
    assertSame(LiveChunks.REORDERED, c.add(160 * MS, false, ByteBuffer.allocate(4)));
    assertNull(c.finish());
    assertTrue(c.reordered());
  }

  private static ByteBuffer payload(long[] f) {
    byte[] b = new byte[(int) f[2]];
    b[0] = (byte) f[0];
    return ByteBuffer.wrap(b);
  }

  private static List<Sample> whole(Fmp4Track track, List<long[]> frames) throws IOException {
    MediaSegmentBuilder b = new MediaSegmentBuilder(List.of(track)).shiftDecodeTimes(false).timeOffsetNs(OFFSET_NS);
    for (long[] f : frames) {
      b.add(track.trackId(), f[0], f[1] == 1, payload(f));
    }
    return samples(b.build(1, MediaSegmentBuilder.NO_END).toByteArray());
  }

  private static List<Sample> chunked(Fmp4Track track, List<long[]> frames) throws IOException {
    LiveChunks c = new LiveChunks(track, OFFSET_NS, 1);
    List<Sample> out = new ArrayList<>();
    for (long[] f : frames) {
      LiveChunks.Chunk chunk = c.add(f[0], f[1] == 1, payload(f));
      if (chunk != null) {
        List<Sample> s = samples(chunk.segment().toByteArray());
        assertEquals(1, s.size());
        assertEquals(chunk.decodeTicks(), s.get(0).decode());
        out.addAll(s);
      }
    }
    out.addAll(samples(c.finish().segment().toByteArray()));
    assertNull(c.finish(), "the last frame is emitted once");
    return out;
  }

  /** Every sample of every moof + mdat pair, as mp4parser reads it. */
  static List<Sample> samples(byte[] bytes) throws IOException {
    List<Sample> out = new ArrayList<>();
    try (IsoFile f = Fmp4Mp4parserTest.parse(bytes)) {
      List<Box> boxes = f.getBoxes();
      long at = 0;
      for (int i = 0; i < boxes.size(); i += 2) {
        MovieFragmentBox moof = (MovieFragmentBox) boxes.get(i);
        assertEquals("mdat", boxes.get(i + 1).getType());
        TrackFragmentBaseMediaDecodeTimeBox tfdt = Path.getPath(moof, "traf[0]/tfdt[0]");
        TrackRunBox trun = Path.getPath(moof, "traf[0]/trun[0]");
        long dts = tfdt.getBaseMediaDecodeTime();
        long data = at + trun.getDataOffset();
        for (TrackRunBox.Entry e : trun.getEntries()) {
          boolean sync = !e.getSampleFlags().isSampleIsDifferenceSample();
          out.add(new Sample(dts, e.getSampleDuration(), (int) e.getSampleSize(), sync, bytes[(int) data]));
          dts += e.getSampleDuration();
          data += e.getSampleSize();
        }
        at += moof.getSize() + boxes.get(i + 1).getSize();
      }
    }
    return out;
  }
}
