package io.vidlog.media.fmp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rendered segment as bytes: exact length, byte ranges, the output forms, the builder's rules. */
class MediaSegmentTest {
  private static final Fmp4Track VIDEO = Fmp4Track.of(TestFragments.h264(1, "avc-high-64x48"));
  private static final Fmp4Track AUDIO = Fmp4Track.of(TestFragments.aac(2, TestFragments.AAC_48K_STEREO));
  private static final long T0 = 1_700_000_000_000_000_000L;

  static MediaSegment segment(Random rnd, int videoFrames, int audioFrames) {
    MediaSegmentBuilder b = new MediaSegmentBuilder(List.of(VIDEO, AUDIO));
    for (int i = 0; i < videoFrames; i++) {
      b.add(1, T0 + i * 40_000_000L, i == 0, ByteBuffer.wrap(TestFragments.payload(rnd, 5 + rnd.nextInt(50))));
    }
    for (int i = 0; i < audioFrames; i++) {
      b.add(2, T0 + i * 21_333_333L, true, ByteBuffer.wrap(TestFragments.payload(rnd, 5 + rnd.nextInt(20))));
    }
    return b.build(9, MediaSegmentBuilder.NO_END);
  }

  @Test
  void everyByteRangeIsTheSameBytesAsTheWhole() {
    MediaSegment seg = segment(new Random(1), 6, 9);
    byte[] whole = seg.toByteArray();
    assertEquals(seg.length(), whole.length);
    for (int from = 0; from <= whole.length; from++) {
      for (int to = from; to <= whole.length; to++) {
        byte[] got = concat(seg.buffers(from, to - from));
        assertArrayEquals(Arrays.copyOfRange(whole, from, to), got, from + ".." + to);
      }
    }
    assertThrows(IndexOutOfBoundsException.class, () -> seg.buffers(1, whole.length));
    assertThrows(IndexOutOfBoundsException.class, () -> seg.buffers(-1, 1));
  }

  @Test
  void everyOutputFormGivesTheSameBytes() throws Exception {
    MediaSegment seg = segment(new Random(2), 30, 40);
    byte[] whole = seg.toByteArray();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    seg.writeTo(stream);
    assertArrayEquals(whole, stream.toByteArray());
    ByteArrayOutputStream channel = new ByteArrayOutputStream();
    seg.writeTo(Channels.newChannel(channel));
    assertArrayEquals(whole, channel.toByteArray());
    assertArrayEquals(whole, concat(seg.buffers()), "buffers() can be taken again");
    assertEquals(1 + 30 + 40, seg.buffers().size(), "the header, then each sample by reference");
    assertTrue(seg.buffers().stream().allMatch(ByteBuffer::isReadOnly));
  }

  @Test
  void payloadsAreReferencedNotCopied() {
    byte[] payload = TestFragments.payload(new Random(3), 100);
    MediaSegmentBuilder b = new MediaSegmentBuilder(List.of(VIDEO));
    b.add(1, T0, true, ByteBuffer.wrap(payload));
    MediaSegment seg = b.build(1, MediaSegmentBuilder.NO_END);
    payload[50] ^= 0x7F; // a change to the source shows in the segment: it was not copied
    byte[] out = seg.toByteArray();
    assertEquals(payload[50], out[seg.headerLength() + 50]);
  }

  @Test
  void framesOfOtherTracksAreIgnoredAndEmptyTracksGetNoTraf() {
    MediaSegmentBuilder b = new MediaSegmentBuilder(List.of(VIDEO, AUDIO));
    b.add(1, T0, true, ByteBuffer.allocate(10));
    b.add(3, T0, true, ByteBuffer.allocate(10));
    assertEquals(0, b.sampleCount(3));
    MediaSegment seg = b.build(0, MediaSegmentBuilder.NO_END);
    assertEquals(1, seg.tracks().size());
    assertNull(seg.track(2));
    assertEquals(seg.headerLength() + 10, seg.length());

    MediaSegment empty = new MediaSegmentBuilder(List.of(VIDEO)).build(0, MediaSegmentBuilder.NO_END);
    assertEquals(List.of(), empty.tracks());
    assertEquals(8 + 16 + 8, empty.length(), "moof with mfhd only, and an empty mdat");
  }

  @Test
  void builderRefusesWhatItCannotWrite() {
    MediaSegmentBuilder b = new MediaSegmentBuilder(List.of(VIDEO));
    assertThrows(IllegalArgumentException.class, () -> b.build(-1, MediaSegmentBuilder.NO_END));
    assertThrows(IllegalArgumentException.class, () -> b.build(1L << 32, MediaSegmentBuilder.NO_END));
    b.build(0xFFFFFFFFL, MediaSegmentBuilder.NO_END);
    assertThrows(IllegalStateException.class, () -> b.build(1, MediaSegmentBuilder.NO_END), "once only");
    assertThrows(IllegalStateException.class, () -> b.add(1, T0, true, ByteBuffer.allocate(1)));
    assertThrows(IllegalArgumentException.class, () -> new MediaSegmentBuilder(List.of(VIDEO, VIDEO)));
  }

  @Test
  void timingSummarisesEachTrack() {
    MediaSegment seg = segment(new Random(4), 50, 94);
    TrackTiming v = seg.track(1);
    assertEquals(50, v.samples());
    assertEquals(1, v.keyFrames());
    assertEquals(T0 / 1_000_000_000L * 90_000, v.baseDecodeTime());
    assertEquals(2.0, v.durationSeconds(), 1e-9);
    assertEquals(25.0, v.sampleRate(), 1e-9, "a measured FRAME-RATE");
    TrackTiming a = seg.track(2);
    assertEquals(94, a.keyFrames());
    assertEquals(94 * 1024, a.duration());
  }

  static byte[] concat(List<ByteBuffer> buffers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuffer b : buffers) {
      byte[] x = new byte[b.remaining()];
      b.get(x);
      out.writeBytes(x);
    }
    return out.toByteArray();
  }
}
