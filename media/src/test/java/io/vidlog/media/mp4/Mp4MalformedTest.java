package io.vidlog.media.mp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.nal.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated, lying, reordered and randomly damaged MP4 inputs fail with a typed error, never OOM. */
class Mp4MalformedTest {
  private static final Mp4Limits SMALL = new Mp4Limits(1 << 16, 1 << 16, 1 << 16, 1 << 12);

  @TempDir
  Path dir;

  /** Top-level boxes as {offset, size, type}. */
  record Top(int offset, int size, String type) {}

  static List<Top> top(byte[] file) {
    List<Top> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(file);
    for (int pos = 0; pos < file.length; ) {
      int size = b.getInt(pos);
      out.add(new Top(pos, size, Box.fourcc(b.getInt(pos + 4))));
      pos += size;
    }
    return out;
  }

  static Top first(byte[] file, String type) {
    return top(file).stream().filter(t -> t.type().equals(type)).findFirst().orElseThrow();
  }

  /** Offset of the first occurrence of a four-character code at or after {@code from}. */
  static int find(byte[] file, String fourcc, int from) {
    byte[] t = fourcc.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    for (int i = from; i + 4 <= file.length; i++) {
      if (Arrays.equals(file, i, i + 4, t, 0, 4)) {
        return i;
      }
    }
    throw new IllegalArgumentException(fourcc);
  }

  static MediaFormatException pushFails(byte[] file, Mp4Limits limits) {
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> {
      FragmentedMp4Demuxer d = new FragmentedMp4Demuxer(new Mp4DemuxTest.Collector(), limits);
      d.push(ByteBuffer.wrap(file));
      d.end();
    });
    assertEquals(MediaFormatException.Format.MP4, e.format(), e.getMessage());
    return e;
  }

  @Test
  void truncatedAtEveryLengthIsTypedOrAPrefix() {
    byte[] file = Fixtures.resource("/mp4/frag.mp4");
    List<String> whole = Mp4DemuxTest.summary(Mp4DemuxTest.pushEvery(file, file.length));
    int clean = 0;
    for (int len = 0; len < file.length; len++) {
      Mp4DemuxTest.Collector c = new Mp4DemuxTest.Collector();
      FragmentedMp4Demuxer d = new FragmentedMp4Demuxer(c, Mp4Limits.defaults());
      try {
        d.push(ByteBuffer.wrap(file, 0, len));
        d.end();
        clean++; // cut exactly between fragments: a shorter, valid stream
        assertEquals(whole.subList(0, c.samples.size()), Mp4DemuxTest.summary(c));
      } catch (MediaFormatException e) {
        assertEquals(MediaFormatException.Kind.MALFORMED, e.kind(), "length " + len);
      }
    }
    // a cut is clean right after moov and after each mdat (before the next moof or the mfra)
    long boundaries = top(file).stream().filter(t -> t.type().equals("moov") || t.type().equals("mdat")).count();
    assertEquals(boundaries, clean);
  }

  @Test
  void lyingSizes() {
    byte[] file = Fixtures.resource("/mp4/frag.mp4");
    Top moov = first(file, "moov");
    byte[] huge = file.clone();
    ByteBuffer.wrap(huge).putInt(moov.offset(), 0xFFFFFFF0);
    MediaFormatException e = pushFails(huge, Mp4Limits.defaults());
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
    assertEquals(moov.offset(), e.offset());

    byte[] large = file.clone(); // largesize marker with a 2^62 size
    byte[] withLarge = splice(large, moov.offset(), 8, ByteBuffer.allocate(16).putInt(1)
        .put("moov".getBytes()).putLong(1L << 62).array());
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, pushFails(withLarge, Mp4Limits.defaults()).kind());

    byte[] shortBox = file.clone(); // moov claims 4 bytes: less than its own header
    ByteBuffer.wrap(shortBox).putInt(moov.offset(), 4);
    assertEquals(MediaFormatException.Kind.MALFORMED, pushFails(shortBox, Mp4Limits.defaults()).kind());

    byte[] child = file.clone(); // a trak inside moov claiming more than moov holds
    int trak = find(child, "trak", moov.offset()) - 4;
    ByteBuffer.wrap(child).putInt(trak, 0x7FFFFFF0);
    MediaFormatException ce = pushFails(child, Mp4Limits.defaults());
    assertEquals(MediaFormatException.Kind.MALFORMED, ce.kind());
    assertEquals(trak, ce.offset());

    byte[] count = file.clone(); // trun sample_count 2^31-1
    int trun = find(count, "trun", first(file, "moof").offset());
    ByteBuffer.wrap(count).putInt(trun + 8, Integer.MAX_VALUE);
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, pushFails(count, Mp4Limits.defaults()).kind());
    assertEquals(MediaFormatException.Kind.MALFORMED,
        pushFails(count, new Mp4Limits(1 << 16, 1 << 16, 1, Integer.MAX_VALUE)).kind());
  }

  @Test
  void mdatBeforeItsMoofAndProgressiveAreUnsupported() {
    byte[] file = Fixtures.resource("/mp4/frag.mp4");
    List<Top> boxes = top(file);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Top moof = first(file, "moof");
    for (Top t : boxes) {
      if (t == moof) {
        continue;
      }
      out.write(file, t.offset(), t.size());
      if (t.type().equals("mdat") && t.offset() == moof.offset() + moof.size()) {
        out.write(file, moof.offset(), moof.size());
      }
    }
    MediaFormatException e = pushFails(out.toByteArray(), Mp4Limits.defaults());
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("mdat"), e.getMessage());

    byte[] progressive = Fixtures.resource("/mp4/faststart.mp4");
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, pushFails(progressive, Mp4Limits.defaults()).kind());
  }

  @Test
  void progressiveLiesAndTruncation() throws IOException {
    byte[] file = Fixtures.resource("/mp4/faststart.mp4");
    byte[] stsz = file.clone();
    int at = find(stsz, "stsz", 0);
    ByteBuffer.wrap(stsz).putInt(at + 12, Integer.MAX_VALUE); // sample_count
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, openFails(stsz, Mp4Limits.defaults()).kind());
    assertEquals(MediaFormatException.Kind.MALFORMED,
        openFails(stsz, new Mp4Limits(1 << 20, 1 << 20, Integer.MAX_VALUE, 10)).kind());

    byte[] stco = file.clone();
    int co = find(stco, "stco", 0);
    ByteBuffer.wrap(stco).putInt(co + 12, 0x7FFFFF00); // first chunk far past the end
    assertEquals(MediaFormatException.Kind.MALFORMED, openFails(stco, Mp4Limits.defaults()).kind());

    byte[] cut = Arrays.copyOf(file, file.length - 100); // mdat shorter than its header says
    assertEquals(MediaFormatException.Kind.MALFORMED, openFails(cut, Mp4Limits.defaults()).kind());
    byte[] moovEnd = Fixtures.resource("/mp4/progressive-moov-end.mp4");
    assertEquals(MediaFormatException.Kind.MALFORMED,
        openFails(Arrays.copyOf(moovEnd, moovEnd.length - 1), Mp4Limits.defaults()).kind());
    assertEquals(MediaFormatException.Kind.UNSUPPORTED,
        openFails(moovEnd, new Mp4Limits(64, 1 << 20, 1 << 20, 10)).kind());
  }

  private MediaFormatException openFails(byte[] file, Mp4Limits limits) throws IOException {
    Path p = Files.write(dir.resolve("in.mp4"), file);
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> Mp4FileDemuxer.open(p, limits).close());
    assertEquals(MediaFormatException.Format.MP4, e.format(), e.getMessage());
    return e;
  }

  @Test
  void randomDamageOnlyEverGivesTypedErrors() throws IOException {
    Random rnd = new Random(7);
    for (String name : List.of("frag", "hevc-frag", "frag-samples-in-moov", "faststart",
        "progressive-moov-end")) {
      byte[] file = Fixtures.resource("/mp4/" + name + ".mp4");
      boolean fragmented = name.contains("frag");
      int headerEnd = fragmented ? first(file, "mdat").offset() + 16 : file.length;
      for (int i = 0; i < 300; i++) {
        byte[] bad = file.clone();
        for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
          int pos = fragmented || rnd.nextBoolean() ? rnd.nextInt(headerEnd)
              : first(file, "moov").offset() + rnd.nextInt(first(file, "moov").size());
          bad[pos] = (byte) rnd.nextInt(256);
        }
        try {
          if (fragmented) {
            Mp4DemuxTest.pushInSlices(bad, rnd.ints(5, 0, bad.length + 1).sorted().toArray());
          } else {
            Path p = Files.write(dir.resolve("fuzz.mp4"), bad);
            Mp4Demux.file(p, SMALL, new Mp4DemuxTest.Collector());
          }
        } catch (MediaFormatException expected) {
          assertTrue(expected.offset() >= 0, expected.getMessage());
        }
      }
    }
  }

  private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(in, 0, at);
    out.writeBytes(insert);
    out.write(in, at + remove, in.length - at - remove);
    return out.toByteArray();
  }
}
