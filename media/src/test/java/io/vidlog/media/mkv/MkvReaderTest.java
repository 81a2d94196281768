package io.vidlog.media.mkv;

import static io.vidlog.media.ebml.EbmlWriter.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.ebml.EbmlWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reader behaviour a caller relies on beyond the dumps: views, closing rules, failure semantics. */
class MkvReaderTest {
  private static final MkvWriter W = MkvWriter.KVS;

  private static byte[] oneClusterStream(byte[]... blocks) {
    return concat(concat(W.ebmlHeader(), W.segmentStartUnknownSize(), W.clusterStart(0, -1)), concat(List.of(blocks)));
  }

  @Test
  void framesArrivingWholeAreViewsOfTheInputArray() {
    byte[] payload = new byte[5000];
    payload[0] = 42;
    byte[] in = oneClusterStream(W.simpleBlock(1, 0, MkvWriter.FLAG_KEY, payload));
    List<ByteBuffer> seen = new ArrayList<>();
    MkvReader r = new MkvReader(new MkvHandler() {
      @Override
      public void onFrame(MkvFrame frame) {
        seen.add(frame.payload());
      }
    }, MkvLimits.DEFAULT);
    r.feed(ByteBuffer.wrap(in));
    ByteBuffer p = seen.get(0);
    assertSame(in, p.array(), "no copy");
    assertEquals(in.length - payload.length, p.arrayOffset() + p.position());
    assertEquals(payload.length, p.remaining());
  }

  @Test
  void aFrameSplitAcrossSlicesIsAssembledOnce() {
    byte[] payload = new byte[5000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i;
    }
    byte[] in = oneClusterStream(W.simpleBlock(1, 0, MkvWriter.FLAG_KEY, payload));
    List<byte[]> arrays = new ArrayList<>();
    List<byte[]> copies = new ArrayList<>();
    MkvReader r = new MkvReader(new MkvHandler() {
      @Override
      public void onFrame(MkvFrame frame) {
        arrays.add(frame.payload().array());
        copies.add(Collector.bytes(frame.payload()));
      }
    }, MkvLimits.DEFAULT);
    r.feed(in, 0, in.length - 2000);
    assertEquals(0, copies.size());
    r.feed(in, in.length - 2000, 2000);
    assertNotSame(in, arrays.get(0));
    assertArrayEquals(payload, copies.get(0));
  }

  @Test
  void rawHeaderElementsAreTheBytesAsSent() {
    byte[] tags = W.tags(SimpleTag.of("a", "b"));
    byte[] info = W.info(TestStreams.kvsInfo());
    byte[] in = concat(W.ebmlHeader(), W.segmentStartUnknownSize(), info, tags);
    Collector c = Collector.read(in);
    assertArrayEquals(info, c.rawInfos.get(0));
    assertArrayEquals(tags, c.rawTags.get(0));
  }

  @Test
  void feedLeavesTheCallersBufferPositionAlone() {
    byte[] in = TestStreams.kvsProducer();
    ByteBuffer b = ByteBuffer.wrap(in);
    MkvReader r = new MkvReader(new MkvHandler() {}, MkvLimits.DEFAULT);
    r.feed(b);
    assertEquals(0, b.position());
    assertEquals(in.length, r.bytesConsumed());
    assertTrue(r.atElementBoundary());
  }

  @Test
  void unknownSizeClusterClosesAtEachLevelOneElementAndAtANewEbmlHeader() {
    byte[] in = concat(W.ebmlHeader(), W.segmentStartUnknownSize(),
        W.clusterStart(0, -1), W.simpleBlock(1, 0, 0x80, new byte[3]),
        W.ebml().binary(MatroskaIds.VOID, new byte[2]), // global: does not close the cluster
        W.ebml().binary(0x2FAB01, new byte[2]), // unknown id: skipped, does not close the cluster
        W.simpleBlock(1, 1, 0, new byte[3]),
        W.clusterStart(10, -1), W.simpleBlock(1, 0, 0x80, new byte[3]),
        W.tags(SimpleTag.of("x", "y")),
        W.clusterStart(20, -1),
        W.ebml().master(MatroskaIds.CUES),
        W.clusterStart(30, -1),
        W.ebmlHeader(), W.segmentStartUnknownSize(), W.clusterStart(40, -1), W.simpleBlock(1, 0, 0x80, new byte[1]));
    Collector c = Collector.read(in);
    assertEquals(List.of("ebml", "segment", "cluster", "frame", "frame", "clusterEnd", "cluster", "frame", "clusterEnd",
        "tags", "cluster", "clusterEnd", "cluster", "clusterEnd", "segmentEnd", "ebml", "segment", "cluster", "frame",
        "clusterEnd", "segmentEnd"), c.events);
  }

  @Test
  void unknownSizeClusterClosesAtTheEndOfAKnownSizeSegment() {
    byte[] content = concat(W.clusterStart(0, -1), W.simpleBlock(1, 0, 0x80, new byte[3]));
    byte[] in = concat(W.ebmlHeader(), W.segmentStart(content.length), content, W.ebmlHeader());
    Collector c = Collector.read(in);
    assertEquals(List.of("ebml", "segment", "cluster", "frame", "clusterEnd", "segmentEnd", "ebml"), c.events);
  }

  @Test
  void aThrowingHandlerLeavesTheReaderUnusable() {
    byte[] in = TestStreams.kvsProducer();
    int[] frames = {0};
    MkvReader r = new MkvReader(new MkvHandler() {
      @Override
      public void onFrame(MkvFrame frame) {
        if (++frames[0] == 3) {
          throw new IllegalArgumentException("consumer refused");
        }
      }
    }, MkvLimits.DEFAULT);
    assertThrows(IllegalArgumentException.class, () -> r.feed(ByteBuffer.wrap(in)));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.feed(ByteBuffer.wrap(in)));
    assertTrue(e.getCause() instanceof IllegalArgumentException);
    assertThrows(IllegalStateException.class, r::end);
    assertEquals(3, frames[0]);
  }

  @Test
  void aMalformedInputLeavesTheReaderUnusable() {
    MkvReader r = new MkvReader(new MkvHandler() {}, MkvLimits.DEFAULT);
    assertThrows(MediaFormatException.class, () -> r.feed(ByteBuffer.wrap(new byte[] {0})));
    assertThrows(IllegalStateException.class, () -> r.feed(ByteBuffer.wrap(W.ebmlHeader())));
  }

  @Test
  void nothingIsReadAfterEnd() {
    MkvReader r = new MkvReader(new MkvHandler() {}, MkvLimits.DEFAULT);
    r.feed(ByteBuffer.wrap(W.ebmlHeader()));
    r.end();
    assertThrows(IllegalStateException.class, () -> r.feed(ByteBuffer.wrap(W.ebmlHeader())));
  }

  @Test
  void emptySlicesAreHarmless() {
    byte[] in = TestStreams.kvsProducer();
    Collector c = new Collector();
    MkvReader r = new MkvReader(c, MkvLimits.DEFAULT);
    for (int i = 0; i < in.length; i += 100) {
      r.feed(ByteBuffer.allocate(0));
      r.feed(in, i, Math.min(100, in.length - i));
    }
    r.end();
    assertEquals(Collector.read(in).events, c.events);
  }

  @Test
  void frameTimecodesUseTheSegmentTimecodeScale() {
    byte[] in = concat(W.ebmlHeader(), W.segmentStartUnknownSize(),
        W.info(new SegmentInfo(1000, Double.NaN, null, null, null, null)), W.clusterStart(5, -1),
        W.simpleBlock(1, -2, 0x80, new byte[1]));
    assertEquals(3000, Collector.read(in).frames.get(0).frame().timecodeNs());
  }

  @Test
  void skippedElementsOfAnySizeAreNeverBuffered() {
    // A 64 MB Void (larger than every limit) inside a known-size Segment, streamed through in 1 MB slices.
    long voidSize = 64L << 20;
    byte[] voidHeader = W.ebml().header(MatroskaIds.VOID, voidSize);
    byte[] tail = W.tags(SimpleTag.of("after", "void"));
    byte[] head = concat(W.ebmlHeader(), W.segmentStart(voidHeader.length + voidSize + tail.length), voidHeader);
    MkvLimits tight = new MkvLimits(1024, 1024, 4, 2);
    Collector c = new Collector();
    MkvReader r = new MkvReader(c, tight);
    r.feed(ByteBuffer.wrap(head));
    ByteBuffer mb = ByteBuffer.allocate(1 << 20);
    for (int i = 0; i < 64; i++) {
      r.feed(mb);
    }
    r.feed(ByteBuffer.wrap(tail));
    r.end();
    assertEquals(List.of("ebml", "segment", "tags", "segmentEnd"), c.events);
    assertEquals(head.length + voidSize + tail.length, r.bytesConsumed());
    assertEquals(EbmlWriter.MAX_SIZE, (1L << 56) - 2);
  }

  @Test
  void eventOffsetsPointAtElementStartsAndEnds() {
    byte[] head = concat(W.ebmlHeader(), W.segmentStartUnknownSize());
    byte[] tags = W.tags(SimpleTag.of("a", "b"));
    byte[] cluster = W.clusterStart(0, -1);
    byte[] block1 = W.simpleBlock(1, 0, 0x80, new byte[10]);
    byte[] group = W.blockGroup(1, 5, new byte[4], 3, null);
    byte[] in = concat(head, tags, cluster, block1, group, tags);
    List<String> seen = new ArrayList<>();
    MkvReader[] reader = new MkvReader[1];
    reader[0] = new MkvReader(new MkvHandler() {
      @Override
      public void onSegmentStart(long size) {
        seen.add("segment@" + reader[0].eventOffset());
      }

      @Override
      public void onClusterStart(long timecode, long size) {
        seen.add("cluster@" + reader[0].eventOffset());
      }

      @Override
      public void onFrame(MkvFrame frame) {
        seen.add("frame@" + reader[0].eventOffset());
      }

      @Override
      public void onClusterEnd() {
        seen.add("clusterEnd@" + reader[0].eventOffset());
      }

      @Override
      public void onTags(List<Tag> t, ByteBuffer raw) {
        seen.add("tags@" + reader[0].eventOffset());
      }

      @Override
      public void onSegmentEnd() {
        seen.add("segmentEnd@" + reader[0].eventOffset());
      }
    }, MkvLimits.DEFAULT);
    for (byte b : in) {
      reader[0].feed(ByteBuffer.wrap(new byte[] {b}));
    }
    reader[0].end();
    int c = head.length + tags.length;
    int g = c + cluster.length + block1.length;
    int t2 = g + group.length;
    assertEquals(List.of("segment@" + W.ebmlHeader().length, "tags@" + head.length, "cluster@" + c,
        "frame@" + (c + cluster.length), "frame@" + g, "clusterEnd@" + t2, "tags@" + t2, "segmentEnd@" + in.length),
        seen);
  }

  @Test
  void tagsBeforeTheEbmlHeaderAreReportedAtEverySplit() {
    byte[] in = concat(concat(W.tags(SimpleTag.of("camera", "front")), W.ebmlHeader(), W.segmentStartUnknownSize()),
        W.clusterStart(0, -1), W.simpleBlock(1, 0, MkvWriter.FLAG_KEY, new byte[] {7}));
    String dump = Feeds.whole(in, MkvLimits.DEFAULT);
    assertTrue(dump.startsWith("tags raw="), dump);
    assertTrue(dump.contains("camera"), dump);
    Feeds.assertAllSplits(in, MkvLimits.DEFAULT, dump);
  }

  @Test
  void directBuffersReadLikeHeapBuffers() {
    for (byte[] in : List.of(TestStreams.kvsProducer(), TestStreams.knownSizesAndFeatures())) {
      DumpHandler h = new DumpHandler();
      MkvReader r = new MkvReader(h, MkvLimits.DEFAULT);
      for (int off = 0; off < in.length; off += 777) {
        int n = Math.min(777, in.length - off);
        ByteBuffer d = ByteBuffer.allocateDirect(n);
        d.put(in, off, n).flip();
        r.feed(d);
      }
      r.end();
      assertEquals(Feeds.whole(in, MkvLimits.DEFAULT), h.dump());
    }
  }
}
