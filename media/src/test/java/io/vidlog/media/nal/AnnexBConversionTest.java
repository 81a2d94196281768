package io.vidlog.media.nal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Annex-B ↔ AVCC, whole, byte by byte, at every split size and at seeded random splits. */
class AnnexBConversionTest {
  /** NAL units with emulation-prevention bytes (00 00 03 0x) and a payload ending in 03. */
  private static final byte[][] NALS = {
      {0x67, 0x42, 0x00, 0x00, 0x03, 0x01, 0x1e},
      {0x68, (byte) 0xce, 0x3c, (byte) 0x80},
      {0x06, 0x05, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03},
      {0x65, (byte) 0x88, (byte) 0x84, 0x00, 0x00, 0x03, 0x02, 0x10, 0x00, 0x00, 0x03, 0x03, 0x7f},
  };

  /** Mixed 4- and 3-byte start codes, an empty NAL (two start codes) and trailing zeros. */
  static byte[] annexB() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 0, 0, 1});
    out.writeBytes(NALS[0]);
    out.writeBytes(new byte[] {0, 0, 1});
    out.writeBytes(NALS[1]);
    out.writeBytes(new byte[] {0, 0, 0, 0, 1, 0, 0, 1}); // zero_byte run, then an empty NAL
    out.writeBytes(NALS[2]);
    out.writeBytes(new byte[] {0, 0, 0, 1});
    out.writeBytes(NALS[3]);
    out.writeBytes(new byte[] {0, 0}); // trailing_zero_8bits
    return out.toByteArray();
  }

  static byte[] avcc(int lengthSize) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] n : NALS) {
      for (int i = lengthSize - 1; i >= 0; i--) {
        out.write(n.length >> (8 * i));
      }
      out.writeBytes(n);
    }
    return out.toByteArray();
  }

  private static byte[] toAvccInSlices(byte[] in, int[] cuts, AnnexBToAvcc c) {
    int from = 0;
    for (int cut : cuts) {
      c.push(ByteBuffer.wrap(in, from, cut - from).slice());
      from = cut;
    }
    c.push(ByteBuffer.wrap(in, from, in.length - from));
    return array(c.finish());
  }

  @Test
  void everySplitSize() {
    byte[] in = annexB();
    byte[] want = avcc(4);
    AnnexBToAvcc c = new AnnexBToAvcc(1 << 20);
    for (int size = 1; size <= in.length; size++) {
      for (int from = 0; from < in.length; from += size) {
        c.push(ByteBuffer.wrap(in, from, Math.min(size, in.length - from)));
      }
      assertArrayEquals(want, array(c.finish()), "slice size " + size);
    }
  }

  @Test
  void everyTwoWaySplitAndRandomSplits() {
    byte[] in = annexB();
    byte[] want = avcc(4);
    AnnexBToAvcc c = new AnnexBToAvcc(1 << 20);
    for (int a = 0; a <= in.length; a++) {
      assertArrayEquals(want, toAvccInSlices(in, new int[] {a}, c), "cut at " + a);
    }
    Random rnd = new Random(42);
    for (int i = 0; i < 500; i++) {
      int[] cuts = rnd.ints(rnd.nextInt(6), 0, in.length + 1).sorted().toArray();
      assertArrayEquals(want, toAvccInSlices(in, cuts, c), "cuts " + java.util.Arrays.toString(cuts));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void avccToAnnexBAtEverySplitSize(int lengthSize) {
    byte[] in = avcc(lengthSize);
    byte[] want = array(NalUnits.toAnnexB(ByteBuffer.wrap(in), lengthSize));
    for (int size = 1; size <= in.length; size++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      AvccToAnnexB c = new AvccToAnnexB(lengthSize, 1000, b -> out.writeBytes(array(b)));
      for (int from = 0; from < in.length; from += size) {
        c.push(ByteBuffer.wrap(in, from, Math.min(size, in.length - from)));
      }
      c.finish();
      assertArrayEquals(want, out.toByteArray(), "slice size " + size);
    }
    // and back: Annex-B → AVCC restores the 4-byte form of the same NAL units
    assertArrayEquals(avcc(4), array(NalUnits.toAvcc(ByteBuffer.wrap(want))));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void splitAvccGivesViews(int lengthSize) {
    List<ByteBuffer> nals = NalUnits.splitAvcc(ByteBuffer.wrap(avcc(lengthSize)), lengthSize);
    assertEquals(NALS.length, nals.size());
    for (int i = 0; i < NALS.length; i++) {
      assertArrayEquals(NALS[i], array(nals.get(i)));
    }
    assertTrue(NalUnits.isH264Idr(ByteBuffer.wrap(avcc(lengthSize)), lengthSize));
    assertFalse(NalUnits.isH264Idr(NalUnits.joinAvcc(List.of(ByteBuffer.wrap(NALS[0]))), 4));
  }

  @Test
  void malformedInputsAreTyped() {
    AnnexBToAvcc c = new AnnexBToAvcc(1 << 20);
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> c.push(ByteBuffer.wrap(new byte[] {0, 0, 5, 0, 0, 1, 0x65})));
    assertEquals(MediaFormatException.Format.NAL, e.format());
    assertEquals(MediaFormatException.Kind.MALFORMED, e.kind());
    assertEquals(2, e.offset());
    c.reset();
    c.push(ByteBuffer.wrap(new byte[] {0, 0, 0, 0}));
    assertEquals(MediaFormatException.Kind.MALFORMED, assertThrows(MediaFormatException.class, c::finish).kind());

    AnnexBToAvcc small = new AnnexBToAvcc(10);
    MediaFormatException big = assertThrows(MediaFormatException.class,
        () -> small.push(ByteBuffer.wrap(annexB())));
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, big.kind());

    byte[] lying = {0, 0, 0, 9, 0x65, 1, 2};
    MediaFormatException trunc = assertThrows(MediaFormatException.class,
        () -> NalUnits.splitAvcc(ByteBuffer.wrap(lying), 4));
    assertEquals(0, trunc.offset());
    AvccToAnnexB a = new AvccToAnnexB(4, 8, b -> { });
    assertEquals(MediaFormatException.Kind.UNSUPPORTED,
        assertThrows(MediaFormatException.class, () -> a.push(ByteBuffer.wrap(lying))).kind());
    AvccToAnnexB p = new AvccToAnnexB(4, 100, b -> { });
    p.push(ByteBuffer.wrap(lying));
    assertEquals(MediaFormatException.Kind.MALFORMED, assertThrows(MediaFormatException.class, p::finish).kind());
    assertThrows(MediaFormatException.class, () -> new AvccToAnnexB(3, 100, b -> { }));
  }

  static byte[] array(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
