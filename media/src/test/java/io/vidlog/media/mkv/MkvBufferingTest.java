package io.vidlog.media.mkv;

import static io.vidlog.media.ebml.EbmlWriter.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.MediaFormatException.Format;
import io.vidlog.media.MediaFormatException.Kind;
import io.vidlog.media.ebml.EbmlWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A size read from the wire is a claim, not an allocation: a BlockGroup's Block, a frame split
 * across slices and a buffered header element each hold at most about twice the bytes that
 * arrived, whatever they declare and whatever the split; buffers are charged to the reader's
 * budget, an overdraft is a typed OVER_BUDGET error, and a failure or close returns every byte.
 */
class MkvBufferingTest {
  private static final MkvWriter W = MkvWriter.MINIMAL;
  private static final EbmlWriter E = W.ebml();
  private static final int FIFTY_MIB = 50 << 20;
  /** The first allocation of a buffer: what a few bytes may cost before doubling takes over. */
  private static final int FIRST = 4 * 1024;
  private static final byte[] HEAD = concat(W.ebmlHeader(), W.segmentStartUnknownSize(),
      W.info(TestStreams.kvsInfo()), W.tracks(List.of(TestStreams.VIDEO, TestStreams.AUDIO)));
  private static final byte[] IN_CLUSTER = concat(HEAD, W.clusterStart(0, -1));

  /** A BlockGroup holding a Block that declares {@code payload} frame bytes, without them. */
  private static byte[] blockGroupDeclaring(long payload) {
    byte[] blockHeader = concat(E.header(MatroskaIds.BLOCK, 4 + payload), new byte[] {(byte) 0x81, 0, 0, 0});
    return concat(E.header(MatroskaIds.BLOCK_GROUP, blockHeader.length + payload), blockHeader);
  }

  private static byte[] simpleBlockDeclaring(int payload) {
    return W.simpleBlockHeader(1, 0, MkvWriter.FLAG_KEY, payload);
  }

  /** The split sizes tried: every size up to 128, then a few larger ones. */
  private static List<Integer> splits() {
    List<Integer> sizes = new ArrayList<>();
    for (int n = 1; n <= 128; n++) {
      sizes.add(n);
    }
    sizes.addAll(List.of(500, 1000, 1460, 4096, 8192, 1 << 20));
    return sizes;
  }

  /**
   * Feeds {@code input} in slices of {@code size} and asserts after every slice that the reader
   * holds at most twice what it was sent plus one first allocation, and that its budget was
   * charged exactly what it holds.
   */
  private static void assertHoldsWhatArrived(byte[] input, int size) {
    ByteBudget budget = ByteBudget.of("test", Long.MAX_VALUE);
    MkvReader r = new MkvReader(new MkvHandler() {}, MkvLimits.DEFAULT, budget);
    for (int off = 0; off < input.length; off += size) {
      int n = Math.min(size, input.length - off);
      r.feed(input, off, n);
      long sent = off + n;
      assertTrue(r.bufferedBytes() <= 2 * sent + FIRST, "slices of " + size + ": holds " + r.bufferedBytes()
          + " after " + sent + " bytes");
      assertEquals(budget.used(), r.bufferedBytes(), "slices of " + size + ": what is held is what is charged");
    }
    r.close();
    assertEquals(0, budget.used(), "close returns every byte");
  }

  @Test
  void aBlockGroupBlockDeclaringFiftyMiBHoldsOnlyWhatArrived() {
    byte[] in = concat(IN_CLUSTER, blockGroupDeclaring(FIFTY_MIB - 4), new byte[5000]);
    for (int size : splits()) {
      assertHoldsWhatArrived(in, size);
    }
  }

  @Test
  void aSplitFrameDeclaringFiftyMiBHoldsOnlyWhatArrived() {
    byte[] in = concat(IN_CLUSTER, simpleBlockDeclaring(FIFTY_MIB), new byte[5000]);
    for (int size : splits()) {
      assertHoldsWhatArrived(in, size);
    }
  }

  @Test
  void aHeaderElementDeclaringItsLimitHoldsOnlyWhatArrived() {
    byte[] in = concat(HEAD, E.header(MatroskaIds.TAGS, MkvLimits.DEFAULT.maxHeaderElementSize()), new byte[5000]);
    for (int size : splits()) {
      assertHoldsWhatArrived(in, size);
    }
  }

  @Test
  void aLargeSplitFrameIsStillReadWholeAndItsBufferGoesBackAfterIt() {
    byte[] frame = TestStreams.payload(new java.util.Random(3), 3 << 20);
    byte[] in = concat(IN_CLUSTER, W.simpleBlock(1, 0, MkvWriter.FLAG_KEY, frame),
        W.simpleBlock(1, 40, 0, new byte[10]));
    ByteBudget budget = ByteBudget.of("test", Long.MAX_VALUE);
    List<Integer> sizes = new ArrayList<>();
    MkvReader r = new MkvReader(new MkvHandler() {
      @Override
      public void onFrame(MkvFrame f) {
        sizes.add(f.payload().remaining());
        if (f.payload().remaining() == frame.length) {
          byte[] got = new byte[frame.length];
          f.payload().duplicate().get(got);
          assertTrue(java.util.Arrays.equals(frame, got), "the assembled frame is the frame sent");
        }
      }
    }, MkvLimits.DEFAULT, budget);
    for (int off = 0; off < in.length; off += 65536) {
      r.feed(in, off, Math.min(65536, in.length - off));
    }
    assertEquals(List.of(frame.length, 10), sizes);
    assertTrue(budget.used() <= 64 * 1024 + HEAD.length, "after the frame only small buffers stay: " + budget.used());
    r.end();
    assertEquals(0, budget.used(), "end returns every byte");
  }

  /**
   * The first typed error of reading {@code in} in slices of {@code size} with {@code budget};
   * asserts that the failed reader released everything.
   */
  private static MediaFormatException overBudget(byte[] in, int size, ByteBudget budget) {
    MkvReader r = new MkvReader(new MkvHandler() {}, MkvLimits.DEFAULT, budget);
    try {
      for (int off = 0; off < in.length; off += size) {
        r.feed(in, off, Math.min(size, in.length - off));
      }
      r.end();
    } catch (MediaFormatException e) {
      assertEquals(0, budget.used(), "a failed reader returned every byte");
      assertEquals(0, r.bufferedBytes());
      assertThrows(IllegalStateException.class, () -> r.feed(new byte[1], 0, 1));
      return e;
    }
    return fail("no error");
  }

  @Test
  void aBlockOverTheBudgetIsATypedErrorAtTheBlock() {
    byte[] group = blockGroupDeclaring(1 << 20);
    byte[] in = concat(IN_CLUSTER, group, new byte[300_000]);
    long blockAt = IN_CLUSTER.length + group.length - E.header(MatroskaIds.BLOCK, 4 + (1 << 20)).length - 4;
    for (int size : List.of(1000, 4096, 65536, in.length)) {
      MediaFormatException e = overBudget(in, size, ByteBudget.of("per-connection ingest buffer", 256 * 1024));
      assertEquals(Kind.OVER_BUDGET, e.kind(), e.getMessage());
      assertEquals(Format.MKV, e.format());
      assertEquals(blockAt, e.offset());
      assertTrue(e.getMessage().startsWith("MKV: buffering Block of 1048580 bytes ("), e.getMessage());
      assertTrue(e.getMessage().contains("over the per-connection ingest buffer budget: "), e.getMessage());
    }
  }

  @Test
  void aSplitFrameOverTheServerBudgetNamesTheServerBudget() {
    byte[] in = concat(IN_CLUSTER, simpleBlockDeclaring(1 << 20), new byte[300_000]);
    ByteBudget server = ByteBudget.of("server-wide ingest buffer", 200 * 1024);
    ByteBudget connection = server.child("per-connection ingest buffer", 10 << 20);
    MediaFormatException e = overBudget(in, 8192, connection);
    assertEquals(Kind.OVER_BUDGET, e.kind(), e.getMessage());
    assertEquals(Format.MKV, e.format());
    assertEquals(IN_CLUSTER.length + simpleBlockDeclaring(1 << 20).length, e.offset(), "where the frame's bytes start");
    assertSame(server, e.budget());
    assertEquals(0, server.used());
  }

  @Test
  void aHeaderElementOverTheBudgetIsAnEbmlError() {
    byte[] in = concat(HEAD, E.header(MatroskaIds.TAGS, 1 << 20), new byte[100_000]);
    MediaFormatException e = overBudget(in, 1000, ByteBudget.of("per-connection ingest buffer", 32 * 1024));
    assertEquals(Kind.OVER_BUDGET, e.kind(), e.getMessage());
    assertEquals(Format.EBML, e.format());
    assertEquals(HEAD.length, e.offset());
    assertTrue(e.getMessage().contains("buffering element 0x1254C367 of "), e.getMessage());
  }

  @Test
  void closeReturnsEveryByteAtOnceAndEndsTheReader() {
    ByteBudget budget = ByteBudget.of("test", Long.MAX_VALUE);
    List<String> events = new ArrayList<>();
    MkvReader r = new MkvReader(new MkvHandler() {
      @Override
      public void onFrame(MkvFrame f) {
        events.add("frame");
      }
    }, MkvLimits.DEFAULT, budget);
    byte[] in = concat(IN_CLUSTER, blockGroupDeclaring(FIFTY_MIB - 4), new byte[100_000]);
    for (int off = 0; off < in.length; off += 1000) {
      r.feed(in, off, Math.min(1000, in.length - off));
    }
    assertTrue(budget.used() >= 100_000, "the Block's bytes are held: " + budget.used());
    r.close();
    assertEquals(0, budget.used());
    assertEquals(0, r.bufferedBytes());
    assertThrows(IllegalStateException.class, () -> r.feed(new byte[10], 0, 10));
    r.close(); // again: nothing to give back, no error
    assertEquals(0, budget.used());
    assertEquals(List.of(), events);
  }

  /** The handler's owner closes the reader from a callback (a connection that ends on a refused fragment). */
  @Test
  void closingFromACallbackStopsAtOnce() {
    byte[] in = concat(IN_CLUSTER, W.simpleBlock(1, 0, MkvWriter.FLAG_KEY, new byte[100]),
        W.blockGroup(1, 40, new byte[50_000], 1, null), W.simpleBlock(1, 80, 0, new byte[100]),
        W.clusterStart(1000, -1), W.simpleBlock(1, 0, MkvWriter.FLAG_KEY, new byte[100]));
    for (int closeAfter = 1; closeAfter <= 3; closeAfter++) {
      for (int size : List.of(1, 333, in.length)) {
        ByteBudget budget = ByteBudget.of("test", Long.MAX_VALUE);
        List<String> events = new ArrayList<>();
        MkvReader[] reader = new MkvReader[1];
        int stop = closeAfter;
        reader[0] = new MkvReader(new MkvHandler() {
          @Override
          public void onFrame(MkvFrame f) {
            events.add("frame " + f.relativeTimecode());
            if (events.size() == stop) {
              reader[0].close();
            }
          }

          @Override
          public void onClusterEnd() {
            events.add("cluster end");
          }
        }, MkvLimits.DEFAULT, budget);
        for (int off = 0; off < in.length && events.size() < stop; off += size) {
          reader[0].feed(in, off, Math.min(size, in.length - off));
        }
        assertEquals(stop, events.size(), "slices of " + size + ": nothing after close: " + events);
        assertEquals(0, budget.used(), "slices of " + size);
        assertThrows(IllegalStateException.class, () -> reader[0].feed(new byte[1], 0, 1));
      }
    }
  }

  @Test
  void aStreamWithinTheBudgetReadsAsWithoutOneAndGivesEverythingBack() {
    byte[] in = TestStreams.knownSizesAndFeatures();
    String unbudgeted = Feeds.whole(in, MkvLimits.DEFAULT);
    for (int size : List.of(1, 7, 100, in.length)) {
      ByteBudget budget = ByteBudget.of("test", 256 * 1024);
      DumpHandler h = new DumpHandler();
      MkvReader r = new MkvReader(h, MkvLimits.DEFAULT, budget);
      for (int off = 0; off < in.length; off += size) {
        r.feed(in, off, Math.min(size, in.length - off));
      }
      r.end();
      assertEquals(unbudgeted, h.dump(), "slices of " + size);
      assertEquals(0, budget.used(), "slices of " + size);
    }
  }
  /**
   * For kept input, a frame split across slices is handed out as views of the slices it arrived in
   * (no copy), in order, at every split size; while it is held its bytes are charged to the budget,
   * and they go back once it was handed out. A BlockGroup's Block, buffered by the reader itself,
   * still comes as one buffer.
   */
  @Test
  void keptInputHandsASplitFrameOutAsViewsOfTheSlicesItArrivedIn() {
    byte[] frame = new byte[3000];
    for (int i = 0; i < frame.length; i++) {
      frame[i] = (byte) (i * 31 + 7);
    }
    byte[] group = new byte[700];
    java.util.Arrays.fill(group, (byte) 5);
    byte[] in = concat(IN_CLUSTER, W.simpleBlock(1, 0, MkvWriter.FLAG_KEY, frame),
        W.blockGroup(1, 40, group, 1, null));
    for (int size : splits()) {
      ByteBudget budget = ByteBudget.of("test", Long.MAX_VALUE);
      List<byte[]> slices = new ArrayList<>();
      List<MkvFrame> frames = new ArrayList<>();
      MkvReader r = new MkvReader(new MkvHandler() {
        @Override
        public void onFrame(MkvFrame f) {
          frames.add(f);
        }
      }, MkvLimits.DEFAULT, budget, MkvReader.Input.KEPT);
      for (int off = 0; off < in.length; off += size) {
        byte[] slice = java.util.Arrays.copyOfRange(in, off, Math.min(in.length, off + size));
        slices.add(slice);
        r.feed(ByteBuffer.wrap(slice));
        assertEquals(budget.used(), r.bufferedBytes(), "slices of " + size + ": what is held is what is charged");
      }
      r.end();
      assertEquals(0, budget.used(), "slices of " + size + ": every byte goes back");
      assertEquals(2, frames.size(), "slices of " + size);
      MkvFrame f = frames.get(0);
      assertEquals(ByteBuffer.wrap(frame), f.payload(), "slices of " + size + ": the frame's bytes");
      assertEquals(frame.length, f.size());
      int start = IN_CLUSTER.length + W.simpleBlockHeader(1, 0, MkvWriter.FLAG_KEY, frame.length).length;
      assertEquals((start + frame.length - 1) / size - start / size + 1, f.pieces().size(),
          "slices of " + size + ": one view per slice the frame touches");
      for (ByteBuffer piece : f.pieces()) {
        assertTrue(slices.stream().anyMatch(s -> s == piece.array()), "slices of " + size
            + ": a piece is a view of a slice fed, not a copy");
      }
      assertEquals(1, frames.get(1).pieces().size(), "slices of " + size + ": a Block comes whole");
      assertEquals(ByteBuffer.wrap(group), frames.get(1).payload());
    }
  }
}
