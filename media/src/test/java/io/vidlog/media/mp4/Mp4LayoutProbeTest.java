package io.vidlog.media.mp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mp4.Mp4LayoutProbe.Layout;
import io.vidlog.media.nal.Fixtures;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The probe decides streaming versus spooling from box headers alone, at the same byte whatever
 * the slicing: whole, one byte at a time, at every split size and at seeded random cuts.
 */
class Mp4LayoutProbeTest {

  /** Pushes one byte at a time; returns how many bytes it took to decide (the whole file if never). */
  private static int decidedAfter(byte[] file, Layout[] out) {
    Mp4LayoutProbe p = new Mp4LayoutProbe();
    for (int i = 0; i < file.length; i++) {
      Layout l = p.push(ByteBuffer.wrap(file, i, 1));
      if (l != Layout.UNDECIDED) {
        out[0] = l;
        return i + 1;
      }
    }
    out[0] = Layout.UNDECIDED;
    return file.length;
  }

  @ParameterizedTest
  @CsvSource({
      "frag.mp4, FRAGMENTED, moov",
      "frag-samples-in-moov.mp4, FRAGMENTED, moov",
      "frag-separate-moof.mp4, FRAGMENTED, moov",
      "hevc-frag.mp4, FRAGMENTED, moov",
      "progressive-moov-end.mp4, PROGRESSIVE, mdat",
      "faststart.mp4, PROGRESSIVE, moov",
      "hevc-progressive.mp4, PROGRESSIVE, moov",
      "quicktime.mov, PROGRESSIVE, mdat"})
  void decidesAtTheSameByteWhateverTheSlicing(String name, Layout want, String decidingBox) {
    byte[] file = Fixtures.resource("/mp4/" + name);
    Layout[] got = new Layout[1];
    int at = decidedAfter(file, got);
    assertEquals(want, got[0], name);
    // fragmented: at the mvex header inside the moov; progressive: at the mdat header, or at the
    // end of a moov without mvex
    int box = indexOf(file, decidingBox);
    if (decidingBox.equals("mdat")) {
      assertEquals(box + 4, at, name);
    } else if (want == Layout.PROGRESSIVE) {
      // at the header of the moov's last child: nothing after it can be an mvex
      int moovEnd = box - 4 + ByteBuffer.wrap(file).getInt(box - 4);
      assertTrue(at > box + 4 && at <= moovEnd, name + ": " + at);
    } else {
      assertEquals(indexOf(file, "mvex") + 4, at, name);
    }
    for (int split = 1; split <= file.length; split++) {
      assertEquals(want, pushInSlices(file, split, at), name + " split " + split);
    }
    Random r = new Random(42);
    for (int run = 0; run < 20; run++) {
      Mp4LayoutProbe p = new Mp4LayoutProbe();
      int off = 0;
      while (off < file.length && p.layout() == Layout.UNDECIDED) {
        int n = Math.min(file.length - off, 1 + r.nextInt(200));
        ByteBuffer slice = ByteBuffer.wrap(file, off, n);
        p.push(slice);
        assertEquals(off, slice.position(), "the probe only looks");
        off += n;
        assertEquals(off >= at, p.layout() != Layout.UNDECIDED, name + " at " + off);
      }
      assertEquals(want, p.layout());
    }
  }

  private static Layout pushInSlices(byte[] file, int split, int decidingByte) {
    Mp4LayoutProbe p = new Mp4LayoutProbe();
    for (int off = 0; off < file.length; off += split) {
      Layout l = p.push(ByteBuffer.wrap(file, off, Math.min(split, file.length - off)));
      boolean shouldKnow = off + split >= decidingByte;
      assertEquals(shouldKnow, l != Layout.UNDECIDED, "split " + split + " at " + off);
      if (shouldKnow) {
        return l;
      }
    }
    return p.layout();
  }

  /** Offset of the first occurrence of a four-character type. */
  private static int indexOf(byte[] file, String type) {
    outer:
    for (int i = 0; i + 4 <= file.length; i++) {
      for (int k = 0; k < 4; k++) {
        if (file[i + k] != type.charAt(k)) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("no " + type);
  }

  @Test
  void anIncompleteHeadStaysUndecided() {
    byte[] file = Fixtures.resource("/mp4/frag.mp4");
    int mvex = indexOf(file, "mvex");
    Mp4LayoutProbe p = new Mp4LayoutProbe();
    assertEquals(Layout.UNDECIDED, p.push(ByteBuffer.wrap(file, 0, mvex + 3)));
    assertEquals(Layout.FRAGMENTED, p.push(ByteBuffer.wrap(file, mvex + 3, 1)));
    assertEquals(Layout.FRAGMENTED, p.push(ByteBuffer.wrap(new byte[] {0, 0, 0, 0})), "decided stays decided");
  }

  @Test
  void moofBeforeMoovIsLeftToTheStreamingDemuxerAndSizeZeroToTheFileDemuxer() {
    ByteBuffer moofFirst = ByteBuffer.allocate(24).put(box("ftyp", 16)).position(16).put(box("moof", 8)).flip();
    assertEquals(Layout.FRAGMENTED, new Mp4LayoutProbe().push(moofFirst));
    assertEquals(Layout.PROGRESSIVE, new Mp4LayoutProbe().push(box("free", 0)));
    ByteBuffer twoBoxes = ByteBuffer.allocate(24).put(box("ftyp", 16)).position(16).put(box("skip", 0)).flip();
    assertEquals(Layout.PROGRESSIVE, new Mp4LayoutProbe().push(twoBoxes));
  }

  @Test
  void impossibleHeadersAreMalformed() {
    MediaFormatException tooSmall = assertThrows(MediaFormatException.class,
        () -> new Mp4LayoutProbe().push(box("ftyp", 7)));
    assertEquals(MediaFormatException.Format.MP4, tooSmall.format());
    assertEquals(MediaFormatException.Kind.MALFORMED, tooSmall.kind());
    MediaFormatException garbage = assertThrows(MediaFormatException.class,
        () -> new Mp4LayoutProbe().push(ByteBuffer.wrap(new byte[] {0, 0, 0, 16, 1, 2, 3, 4})));
    assertEquals(MediaFormatException.Kind.MALFORMED, garbage.kind());
    assertEquals(0, garbage.offset());
    ByteBuffer overrun = ByteBuffer.allocate(16).put(box("moov", 16)).position(8).put(box("trak", 9)).flip();
    MediaFormatException child = assertThrows(MediaFormatException.class,
        () -> new Mp4LayoutProbe().push(overrun));
    assertEquals(8, child.offset());
    MediaFormatException http = assertThrows(MediaFormatException.class,
        () -> new Mp4LayoutProbe().push(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes())));
    assertEquals(MediaFormatException.Kind.MALFORMED, http.kind());
    assertThrows(MediaFormatException.class, () -> new Mp4LayoutProbe().push(box("moof", 8)), "no MP4 starts with moof");
  }

  /** An 8-byte box header. */
  private static ByteBuffer box(String type, int size) {
    ByteBuffer b = ByteBuffer.allocate(8).putInt(size);
    for (int i = 0; i < 4; i++) {
      b.put((byte) type.charAt(i));
    }
    return b.flip();
  }
}
