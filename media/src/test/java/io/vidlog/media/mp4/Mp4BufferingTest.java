package io.vidlog.media.mp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.MediaFormatException.Format;
import io.vidlog.media.MediaFormatException.Kind;
import io.vidlog.media.nal.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MP4 demuxers never allocate what the input merely declares: a moov or a split sample holds at
 * most about twice the bytes that arrived; lists and tables derived from a few bytes (a trun's
 * sample count, a uniform stsz) are charged to the budget before they pile up; an overdraft is a
 * typed OVER_BUDGET error; end, failure and close return every byte.
 */
class Mp4BufferingTest {
  private static final int FIRST = 4 * 1024;

  @TempDir
  Path dir;

  private static List<Integer> splits() {
    List<Integer> sizes = new ArrayList<>();
    for (int n = 1; n <= 128; n++) {
      sizes.add(n);
    }
    sizes.addAll(List.of(500, 1460, 4096, 65536, 1 << 20));
    return sizes;
  }

  /**
   * Pushes {@code in} in slices of {@code size}; after each, what is held is at most twice what
   * arrived plus {@code extra}.
   */
  private static void assertHoldsWhatArrived(byte[] in, int size, long extra) {
    ByteBudget budget = ByteBudget.of("test", Long.MAX_VALUE);
    FragmentedMp4Demuxer d = new FragmentedMp4Demuxer(new Mp4DemuxTest.Collector(), Mp4Limits.defaults(), budget);
    for (int off = 0; off < in.length; off += size) {
      int n = Math.min(size, in.length - off);
      d.push(ByteBuffer.wrap(in, off, n).slice());
      long sent = off + n;
      assertTrue(d.bufferedBytes() <= 2 * sent + FIRST + extra, "slices of " + size + ": holds "
          + d.bufferedBytes() + " after " + sent + " bytes");
      assertEquals(budget.used(), d.bufferedBytes(), "slices of " + size);
    }
    d.close();
    assertEquals(0, budget.used(), "close returns every byte");
  }

  @Test
  void aMoovDeclaringItsLimitHoldsOnlyWhatArrived() {
    byte[] file = Fixtures.resource("/mp4/frag.mp4");
    Mp4MalformedTest.Top ftyp = Mp4MalformedTest.first(file, "ftyp");
    ByteBuffer in = ByteBuffer.allocate(ftyp.size() + 8 + 5000);
    in.put(file, 0, ftyp.size()).putInt(8 + Mp4Limits.defaults().maxHeaderBoxBytes()).put("moov".getBytes());
    for (int size : splits()) {
      assertHoldsWhatArrived(in.array(), size, 0);
    }
  }

  @Test
  void aSplitSampleDeclaringTheLargestSizeHoldsOnlyWhatArrived() {
    byte[] file = Fixtures.resource("/mp4/frag.mp4").clone();
    Mp4MalformedTest.Top moof = Mp4MalformedTest.first(file, "moof");
    Mp4MalformedTest.Top mdat = Mp4MalformedTest.first(file, "mdat");
    // the last sample of the moof's last run sits at the end of the mdat: make it claim 16 MiB
    int trun = lastTrun(file, moof);
    ByteBuffer b = ByteBuffer.wrap(file);
    int flags = b.getInt(trun + 8) & 0xFFFFFF;
    assertTrue((flags & 0x200) != 0, "the fixture's trun lists sample sizes");
    int count = b.getInt(trun + 12);
    int entries = trun + 16 + ((flags & 0x1) != 0 ? 4 : 0) + ((flags & 0x4) != 0 ? 4 : 0);
    int entryBytes = 4 * Integer.bitCount(flags & 0xF00);
    int lastSize = entries + (count - 1) * entryBytes + ((flags & 0x100) != 0 ? 4 : 0);
    int declared = Mp4Limits.defaults().maxSampleBytes();
    int lastOffset = mdat.offset() + mdat.size() - b.getInt(lastSize);
    b.putInt(lastSize, declared);
    b.putInt(mdat.offset(), 0x7FFFFFF0); // the mdat claims room for it
    byte[] in = Arrays.copyOf(file, lastOffset + 5000);
    long pending = 56L * 100; // the fragment's sample list, charged while held (a few dozen samples)
    for (int size : splits()) {
      assertHoldsWhatArrived(in, size, pending);
    }
  }

  /** Offset of the last {@code trun} inside {@code moof}. */
  private static int lastTrun(byte[] file, Mp4MalformedTest.Top moof) {
    int at = -1;
    for (int i = Mp4MalformedTest.find(file, "trun", moof.offset()); i < moof.offset() + moof.size();
        i = Mp4MalformedTest.find(file, "trun", i + 4)) {
      at = i - 4;
    }
    return at;
  }

  @Test
  void aFragmentDeclaringManySamplesIsChargedAndRefusedOverTheBudget() {
    byte[] file = Fixtures.resource("/mp4/frag.mp4").clone();
    Mp4MalformedTest.Top moof = Mp4MalformedTest.first(file, "moof");
    int trun = lastTrun(file, moof);
    ByteBuffer b = ByteBuffer.wrap(file);
    // a run of 50 000 samples that carry no fields of their own: a few bytes for a long list
    b.putInt(trun + 8, b.getInt(trun + 8) & 0xFF0000FF);
    b.putInt(trun + 12, 50_000);
    ByteBudget budget = ByteBudget.of("per-connection ingest buffer", 1 << 20);
    FragmentedMp4Demuxer d = new FragmentedMp4Demuxer(new Mp4DemuxTest.Collector(), Mp4Limits.defaults(), budget);
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> d.push(ByteBuffer.wrap(file)));
    assertEquals(Kind.OVER_BUDGET, e.kind(), e.getMessage());
    assertEquals(Format.MP4, e.format());
    assertEquals(moof.offset(), e.offset());
    assertTrue(e.getMessage().contains("the list of 50"), e.getMessage());
    assertEquals(0, budget.used(), "a failed demuxer returned every byte");
    assertEquals(0, d.bufferedBytes());
  }

  @Test
  void aWholeFragmentedFileGivesEverythingBackAtItsEnd() {
    byte[] file = Fixtures.resource("/mp4/frag.mp4");
    for (int size : List.of(1, 100, 4096, file.length)) {
      ByteBudget budget = ByteBudget.of("test", 1 << 20);
      Mp4DemuxTest.Collector c = new Mp4DemuxTest.Collector();
      FragmentedMp4Demuxer d = new FragmentedMp4Demuxer(c, Mp4Limits.defaults(), budget);
      for (int off = 0; off < file.length; off += size) {
        d.push(ByteBuffer.wrap(file, off, Math.min(size, file.length - off)).slice());
      }
      d.end();
      assertEquals(Mp4DemuxTest.summary(Mp4DemuxTest.pushEvery(file, file.length)), Mp4DemuxTest.summary(c));
      assertEquals(0, budget.used(), "slices of " + size);
    }
  }

  /** The handler's owner closes the demuxer from a callback (a connection that ends on a refused fragment). */
  @Test
  void closingFromACallbackStopsAtOnce() {
    byte[] file = Fixtures.resource("/mp4/frag.mp4");
    for (int size : List.of(1, 1000, file.length)) {
      ByteBudget budget = ByteBudget.of("test", Long.MAX_VALUE);
      List<Mp4Sample> samples = new ArrayList<>();
      FragmentedMp4Demuxer[] demuxer = new FragmentedMp4Demuxer[1];
      demuxer[0] = new FragmentedMp4Demuxer(new Mp4Handler() {
        @Override
        public void onTracks(List<Mp4Track> tracks) {}

        @Override
        public void onSample(Mp4Sample s) {
          samples.add(s);
          if (samples.size() == 3) {
            demuxer[0].close();
          }
        }
      }, Mp4Limits.defaults(), budget);
      for (int off = 0; off < file.length && samples.size() < 3; off += size) {
        demuxer[0].push(ByteBuffer.wrap(file, off, Math.min(size, file.length - off)).slice());
      }
      assertEquals(3, samples.size(), "slices of " + size + ": nothing after close");
      assertEquals(0, budget.used(), "slices of " + size);
      assertThrows(MediaFormatException.class, () -> demuxer[0].push(ByteBuffer.wrap(file)));
    }
  }

  @Test
  void aUniformStszDeclaringAMillionSamplesIsRefusedBeforeItsTablesAreAllocated() throws IOException {
    byte[] file = Fixtures.resource("/mp4/faststart.mp4").clone();
    int stsz = Mp4MalformedTest.find(file, "stsz", 0) - 4;
    ByteBuffer.wrap(file).putInt(stsz + 12, 1).putInt(stsz + 16, 1_000_000); // sample_size 1, sample_count
    Path p = Files.write(dir.resolve("uniform.mp4"), file);
    ByteBudget budget = ByteBudget.of("per-connection ingest buffer", 4 << 20);
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> Mp4FileDemuxer.open(p,
        Mp4Limits.defaults(), budget));
    assertEquals(Kind.OVER_BUDGET, e.kind(), e.getMessage());
    assertEquals(Format.MP4, e.format());
    assertEquals(stsz + 16, e.offset());
    assertTrue(e.getMessage().contains("sample tables of 1000000 samples needs 25000000 more bytes"), e.getMessage());
    assertEquals(0, budget.used());
  }

  @Test
  void theFileDemuxerChargesItsTablesAndSampleUntilClosed() throws IOException {
    byte[] file = Fixtures.resource("/mp4/faststart.mp4");
    Path p = Files.write(dir.resolve("faststart.mp4"), file);
    ByteBudget budget = ByteBudget.of("test", 1 << 20);
    Mp4FileDemuxer d = Mp4FileDemuxer.open(p, Mp4Limits.defaults(), budget);
    long tables = budget.used();
    assertTrue(tables > 0, "the sample tables are charged");
    Mp4Sample first = d.next();
    assertEquals(tables + first.payload().remaining(), budget.used(), "and the sample just read");
    assertEquals(budget.used(), d.bufferedBytes());
    while (d.next() != null) {
      assertTrue(budget.used() <= tables + Mp4Limits.defaults().maxSampleBytes());
    }
    d.close();
    assertEquals(0, budget.used());
    d.close();
    assertEquals(0, budget.used());
  }
}
