package io.vidlog.media.mkv;

import static io.vidlog.media.MediaFormatException.Format.EBML;
import static io.vidlog.media.MediaFormatException.Format.MKV;
import static io.vidlog.media.MediaFormatException.Kind.MALFORMED;
import static io.vidlog.media.MediaFormatException.Kind.UNSUPPORTED;
import static io.vidlog.media.ebml.EbmlWriter.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.MediaFormatException.Format;
import io.vidlog.media.MediaFormatException.Kind;
import io.vidlog.media.ebml.EbmlWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The malformed-input corpus: each input gives one precise typed error (kind, offset, message),
 * the same whatever the input split, and never an OOM, a hang or a silent success.
 */
class MkvMalformedTest {
  private static final MkvWriter W = MkvWriter.MINIMAL;
  private static final EbmlWriter E = W.ebml();
  private static final byte[] HEAD = concat(W.ebmlHeader(), W.segmentStartUnknownSize());
  private static final byte[] IN_CLUSTER = concat(HEAD, W.clusterStart(0, -1));

  private static byte[] hex(String h) {
    return HexFormat.of().parseHex(h.replace(" ", ""));
  }

  /** Asserts the error whole-buffer, then that every split of the matrix gives the same outcome. */
  private static void expect(byte[] input, MkvLimits limits, Format format, Kind kind, long offset, String part) {
    DumpHandler h = new DumpHandler();
    MkvReader r = new MkvReader(h, limits);
    try {
      r.feed(ByteBuffer.wrap(input));
      r.end();
      fail("no error; events:\n" + h.dump());
    } catch (MediaFormatException e) {
      assertEquals(format, e.format(), e.getMessage());
      assertEquals(kind, e.kind(), e.getMessage());
      assertEquals(offset, e.offset(), e.getMessage());
      assertTrue(e.getMessage().contains(part), "message \"" + e.getMessage() + "\" lacks \"" + part + "\"");
    }
    Feeds.assertAllSplits(input, limits, Feeds.whole(input, limits));
  }

  private static void expect(byte[] input, Format format, Kind kind, long offset, String part) {
    expect(input, MkvLimits.DEFAULT, format, kind, offset, part);
  }

  @Test
  void zeroFirstIdByte() {
    expect(concat(HEAD, hex("00 81 00")), EBML, MALFORMED, HEAD.length, "element id starts with 0x00");
  }

  @Test
  void zeroFirstSizeByte() {
    expect(concat(HEAD, hex("EC 00 00 00")), EBML, MALFORMED, HEAD.length + 1, "element size starts with 0x00");
  }

  @Test
  void idLongerThanFourBytes() {
    expect(concat(HEAD, hex("08 01 02 03 04 81 00")), EBML, MALFORMED, HEAD.length, "element id of 5 bytes");
  }

  @Test
  void reservedAllOnesId() {
    expect(concat(HEAD, hex("FF 80")), EBML, MALFORMED, HEAD.length, "reserved element id 0xFF");
  }

  @Test
  void unknownSizeLeaf() {
    byte[] in = concat(HEAD, hex("1F43B675 FF"), hex("E7 FF 00"));
    expect(in, EBML, MALFORMED, HEAD.length + 5, "unknown size on element 0xE7");
  }

  @Test
  void unknownSizeTags() {
    expect(concat(HEAD, hex("1254C367 FF 7373 80")), EBML, MALFORMED, HEAD.length, "unknown size on element 0x1254C367");
  }

  @Test
  void segmentDeclaringTwoToTheFiftySixBytesEndsTruncated() {
    byte[] in = concat(W.ebmlHeader(), hex("18538067 01FFFFFFFFFFFFFE"), W.info(TestStreams.kvsInfo()));
    expect(in, EBML, MALFORMED, in.length, "input ends inside element 0x18538067 which declares "
        + ((1L << 56) - 2 - W.info(TestStreams.kvsInfo()).length) + " more bytes");
  }

  @Test
  void simpleBlockDeclaringTwoToTheFiftySixBytesIsRefusedBeforeAllocation() {
    byte[] in = concat(IN_CLUSTER, hex("A3 01FFFFFFFFFFFFFE 81 0000 80"), new byte[100]);
    expect(in, MKV, UNSUPPORTED, IN_CLUSTER.length + 9 + 4, "frame of " + ((1L << 56) - 2 - 4)
        + " bytes (track 1) exceeds maxFrameSize");
  }

  @Test
  void tagsDeclaringTwoToTheFiftySixBytesIsRefusedBeforeAllocation() {
    expect(concat(HEAD, hex("1254C367 01FFFFFFFFFFFFFE 7373 80")), EBML, UNSUPPORTED, HEAD.length,
        "element 0x1254C367 of 72057594037927934 bytes exceeds the buffered-element limit");
  }

  @Test
  void childOverrunningItsParent() {
    byte[] in = concat(HEAD, E.header(MatroskaIds.CLUSTER, 12), E.uint(MatroskaIds.TIMECODE, 0),
        hex("A3 E4 81 0000 80"), new byte[20]);
    expect(in, EBML, MALFORMED, HEAD.length + 5 + 3, "element 0xA3 of 100 bytes overruns its parent");
  }

  @Test
  void nestingDeeperThanTheLimit() {
    byte[] deep = new byte[40];
    for (int i = 0; i < 20; i++) {
      deep[2 * i] = (byte) 0xE0; // Video: a master whose unknown size can only be walked
      deep[2 * i + 1] = (byte) 0xFF;
    }
    expect(concat(HEAD, deep), EBML, UNSUPPORTED, HEAD.length + 15 * 2, "nested at depth 17 exceeds the limit 16");
  }

  @Test
  void blockGroupDeeperThanASmallLimit() {
    MkvLimits limits = new MkvLimits(1 << 20, 1 << 20, 2, 16);
    byte[] in = concat(IN_CLUSTER, W.blockGroup(1, 0, new byte[3], -1, null));
    expect(in, limits, EBML, UNSUPPORTED, IN_CLUSTER.length, "nested at depth 3 exceeds the limit 2");
  }

  @Test
  void simpleTagsNestedBeyondTheLimit() {
    SimpleTag t = SimpleTag.of("leaf", "v");
    for (int i = 0; i < 20; i++) {
      t = new SimpleTag("level" + i, null, null, List.of(t));
    }
    byte[] in = concat(HEAD, W.tags(List.of(new Tag(0, List.of(t)))));
    MediaFormatException e = errorOf(in, MkvLimits.DEFAULT);
    assertEquals(MKV, e.format());
    assertEquals(UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("SimpleTag nested at depth 17 exceeds the limit 16"), e.getMessage());
    Feeds.assertAllSplits(in, MkvLimits.DEFAULT, Feeds.whole(in, MkvLimits.DEFAULT));
  }

  @Test
  void timecodeOverflowingNanoseconds() {
    byte[] in = concat(HEAD, W.clusterStart(1L << 62, -1));
    int blockAt = in.length;
    in = concat(in, W.simpleBlock(1, 0, MkvWriter.FLAG_KEY, new byte[4]));
    expect(in, MKV, UNSUPPORTED, blockAt, "timecode overflows 64-bit nanoseconds: cluster 4611686018427387904");
  }

  @Test
  void clusterTimecodeBeyondSignedLong() {
    byte[] in = concat(HEAD, hex("1F43B675 FF"), hex("E7 88 FFFFFFFFFFFFFFFF"));
    expect(in, MKV, UNSUPPORTED, HEAD.length + 5, "Cluster Timecode 18446744073709551615 exceeds 2^63-1");
  }

  @Test
  void xiphLacingDeclaringMoreThanTheBlockHolds() {
    // track 1, timecode 0, key + Xiph lacing, 2 frames, first declared as 32 bytes, 10 bytes follow
    byte[] in = concat(IN_CLUSTER, hex("A3 90 81 0000 82 01 20"), new byte[10]);
    expect(in, MKV, MALFORMED, IN_CLUSTER.length + 7, "Xiph lace size 32 exceeds the 10 bytes left in the block");
  }

  @Test
  void xiphLacingSumExceedingTheBlock() {
    // 3 frames declared as 6 + 6 bytes, only 10 follow the lacing header
    byte[] in = concat(IN_CLUSTER, hex("A3 91 81 0000 82 02 06 06"), new byte[10]);
    expect(in, MKV, MALFORMED, IN_CLUSTER.length + 9, "lacing header declares 12 bytes for 2 frames but only 10 remain");
  }

  @Test
  void ebmlLacingWithANegativeSize() {
    // 3 frames: first 5 bytes, second 5 + (0 - 63) = -58
    byte[] in = concat(IN_CLUSTER, hex("A3 90 81 0000 86 02 85 80"), new byte[8]);
    expect(in, MKV, MALFORMED, IN_CLUSTER.length + 8, "EBML lace size -58 of frame 1 outside");
  }

  @Test
  void fixedLacingNotAMultiple() {
    byte[] in = concat(IN_CLUSTER, hex("A3 8F 81 0000 84 02"), new byte[10]);
    expect(in, MKV, MALFORMED, IN_CLUSTER.length + 2 + 4, "fixed-size lacing of 3 frames over 10 bytes");
  }

  @Test
  void frameBeyondMaxFrameSize() {
    MkvLimits limits = new MkvLimits(1000, 1 << 20, 16, 16);
    byte[] in = concat(IN_CLUSTER, W.simpleBlock(1, 0, MkvWriter.FLAG_KEY, new byte[2000]));
    expect(in, limits, MKV, UNSUPPORTED, IN_CLUSTER.length + 3 + 4,
        "frame of 2000 bytes (track 1) exceeds maxFrameSize 1000");
  }

  @Test
  void blockGroupBlockBeyondMaxFrameSize() {
    MkvLimits limits = new MkvLimits(1000, 1 << 20, 16, 16);
    byte[] in = concat(IN_CLUSTER, W.blockGroup(1, 0, new byte[2000], -1, null));
    expect(in, limits, MKV, UNSUPPORTED, IN_CLUSTER.length + 3, "Block of 2004 bytes exceeds maxFrameSize 1000");
  }

  @Test
  void frameBeforeTheClusterTimecode() {
    byte[] in = concat(HEAD, hex("1F43B675 FF"), W.simpleBlock(1, 0, 0, new byte[3]));
    expect(in, MKV, MALFORMED, HEAD.length + 5, "SimpleBlock before the Cluster Timecode");
  }

  @Test
  void clusterWithoutTimecode() {
    byte[] in = concat(HEAD, E.master(MatroskaIds.CLUSTER, E.binary(MatroskaIds.VOID, new byte[3])));
    expect(in, MKV, MALFORMED, HEAD.length, "Cluster without a Timecode");
  }

  @Test
  void blockEndingInsideItsHeader() {
    expect(concat(IN_CLUSTER, hex("A3 82 81 00")), MKV, MALFORMED, IN_CLUSTER.length + 4,
        "block of 2 bytes ends inside its header");
  }

  @Test
  void inputEndingMidFrame() {
    byte[] block = W.simpleBlock(1, 0, MkvWriter.FLAG_KEY, new byte[50]);
    byte[] in = concat(IN_CLUSTER, java.util.Arrays.copyOf(block, block.length - 3));
    expect(in, EBML, MALFORMED, IN_CLUSTER.length, "input ends inside the data of element 0xA3 (3 bytes missing)");
  }

  @Test
  void docTypeNotMatroska() {
    expect(W.ebmlHeader(new EbmlHeaderInfo("mp4", 1, 1, 4, 8)), MKV, UNSUPPORTED, 0, "DocType \"mp4\"");
  }

  @Test
  void docTypeReadVersionBeyondFour() {
    byte[] header = W.ebmlHeader(new EbmlHeaderInfo("matroska", 5, 5, 4, 8));
    // the DocTypeReadVersion element is the last child: id (2 bytes), size, value
    expect(header, MKV, UNSUPPORTED, header.length - 4, "DocTypeReadVersion 5 (at most 4 supported)");
  }

  @Test
  void maxIdLengthBeyondFour() {
    MediaFormatException e = errorOf(W.ebmlHeader(new EbmlHeaderInfo("matroska", 4, 2, 5, 8)), MkvLimits.DEFAULT);
    assertEquals(MKV, e.format());
    assertEquals(UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("EBMLMaxIDLength 5"), e.getMessage());
  }

  @Test
  void tooManyTracks() {
    MkvLimits limits = new MkvLimits(1 << 20, 1 << 20, 16, 2);
    byte[] in = concat(HEAD, W.tracks(List.of(TestStreams.VIDEO, TestStreams.AUDIO,
        new TrackEntry(3, 3, 17, "S_TEXT/UTF8", null, null, 0, 0, 0, Double.NaN, 0, 0))));
    MediaFormatException e = errorOf(in, limits);
    assertEquals(MKV, e.format());
    assertEquals(UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("more than 2 TrackEntries"), e.getMessage());
  }

  @Test
  void secondTimecodeInACluster() {
    byte[] in = concat(IN_CLUSTER, E.uint(MatroskaIds.TIMECODE, 5));
    expect(in, MKV, MALFORMED, IN_CLUSTER.length, "second Timecode in the Cluster");
  }

  private static MediaFormatException errorOf(byte[] in, MkvLimits limits) {
    MkvReader r = new MkvReader(new MkvHandler() {}, limits);
    try {
      r.feed(ByteBuffer.wrap(in));
      r.end();
    } catch (MediaFormatException e) {
      return e;
    }
    throw new AssertionError("no error");
  }

  /** Counts frames only: cheap enough to run once per prefix. */
  private static final class FrameCounter implements MkvHandler {
    final List<Long> times = new ArrayList<>();

    @Override
    public void onFrame(MkvFrame frame) {
      times.add(frame.timecodeNs() ^ frame.payload().remaining());
    }
  }

  private static List<Long> framesOf(byte[] in) {
    FrameCounter c = new FrameCounter();
    MkvReader r = new MkvReader(c, MkvLimits.DEFAULT);
    r.feed(ByteBuffer.wrap(in));
    r.end();
    return c.times;
  }

  /** A known-size file cut anywhere is truncated: MALFORMED, never success. */
  @Test
  void knownSizeFixtureTruncatedAtEveryOffset() {
    byte[] full = DumpAsserts.resource("mkv/ffmpeg-h264-aac.mkv");
    framesOf(full);
    for (int n = 0; n < full.length; n++) {
      MkvReader r = new MkvReader(new FrameCounter(), MkvLimits.DEFAULT);
      try {
        r.feed(ByteBuffer.wrap(full, 0, n));
        r.end();
        if (n > 0 && n != W.ebmlHeader(new EbmlHeaderInfo("matroska", 4, 2, 4, 8)).length) {
          fail("prefix of " + n + " bytes read without error");
        }
      } catch (MediaFormatException e) {
        assertEquals(MALFORMED, e.kind(), "prefix " + n + ": " + e.getMessage());
        assertTrue(e.offset() <= n, "prefix " + n + ": offset " + e.offset());
      }
    }
  }

  /**
   * A live (unknown-size) stream cut anywhere either ends cleanly between elements, giving a prefix
   * of the frames, or is MALFORMED.
   */
  @Test
  void liveFixtureTruncatedAtEveryOffset() {
    byte[] full = TestStreams.kvsProducer();
    List<Long> all = framesOf(full);
    int clean = 0;
    for (int n = 0; n < full.length; n++) {
      FrameCounter c = new FrameCounter();
      MkvReader r = new MkvReader(c, MkvLimits.DEFAULT);
      try {
        r.feed(ByteBuffer.wrap(full, 0, n));
        r.end();
        clean++;
        assertEquals(all.subList(0, c.times.size()), c.times, "prefix " + n);
      } catch (MediaFormatException e) {
        assertEquals(MALFORMED, e.kind(), "prefix " + n + ": " + e.getMessage());
        assertTrue(e.offset() <= n, "prefix " + n + ": offset " + e.offset());
      }
    }
    assertTrue(clean > 10 && clean < full.length / 10, "clean cuts: " + clean);
  }
}
