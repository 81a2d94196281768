package io.vidlog.media.ebml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing-level behaviour with a tiny schema: events, offsets, closing rules, limits. */
class EbmlReaderTest {
  // A toy schema: 0x1A45DFA3 header (level 0), 0xA0 top (level 0), 0xA1 box (level 1, master), 0x81/0x82 leaves.
  private static final EbmlSchema SCHEMA = new EbmlSchema() {
    @Override
    public int level(int id) {
      return switch (id) {
        case 0x1A45DFA3, 0xA0 -> 0;
        case 0xA1 -> 1;
        case 0x81, 0x82 -> 2;
        default -> -1;
      };
    }

    @Override
    public boolean isMaster(int id) {
      return id == 0xA0 || id == 0xA1 || id == 0x1A45DFA3;
    }
  };

  /** Buffers 0x81, streams 0x82, enters masters, skips the rest; records everything. */
  private static final class Recorder implements EbmlProcessor {
    final List<String> events = new ArrayList<>();
    final List<ByteBuffer> chunks = new ArrayList<>();

    @Override
    public Action onElementStart(int id, int parentId, long size, long headerOffset, int headerLength, int depth) {
      events.add("start " + Integer.toHexString(id) + " parent=" + Integer.toHexString(parentId) + " size=" + size
          + " @" + headerOffset + "+" + headerLength + " depth=" + depth);
      return switch (id) {
        case 0xA0, 0xA1, 0x1A45DFA3 -> Action.MASTER;
        case 0x81 -> Action.BUFFER;
        case 0x82 -> Action.STREAM;
        default -> Action.SKIP;
      };
    }

    @Override
    public void onData(int id, ByteBuffer element, int headerLength) {
      events.add("data " + Integer.toHexString(id) + " " + HexFormat.of().formatHex(bytes(element)) + " h="
          + headerLength);
    }

    @Override
    public void onPayload(int id, ByteBuffer chunk) {
      chunks.add(chunk);
      events.add("payload " + Integer.toHexString(id) + " " + HexFormat.of().formatHex(bytes(chunk)));
    }

    @Override
    public void onElementEnd(int id, long endOffset) {
      events.add("end " + Integer.toHexString(id) + " @" + endOffset);
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  private static List<String> read(byte[] in, int chunk) {
    Recorder r = new Recorder();
    EbmlReader reader = new EbmlReader(r, SCHEMA, new EbmlLimits(64, 8));
    for (int i = 0; i < in.length; i += chunk) {
      reader.feed(ByteBuffer.wrap(in, i, Math.min(chunk, in.length - i)));
    }
    reader.end();
    // Payload chunking depends on the split; merge adjacent payload events for comparison.
    List<String> merged = new ArrayList<>();
    for (String e : r.events) {
      String last = merged.isEmpty() ? "" : merged.get(merged.size() - 1);
      if (e.startsWith("payload ") && last.startsWith("payload ")) {
        merged.set(merged.size() - 1, last + e.substring(e.lastIndexOf(' ') + 1));
      } else {
        merged.add(e);
      }
    }
    return merged;
  }

  @Test
  void knownSizeNestingBufferStreamSkipAndZeroSizes() {
    // A0 (size 13) { A1 (size 6) { 81 02 CAFE, 83 80 (empty, skipped) }, 82 83 010203 (streamed), 84 80 }
    byte[] in = hex("A0 8D  A1 86 81 82 CAFE 83 80  82 83 010203");
    List<String> expected = List.of(
        "start a0 parent=0 size=13 @0+2 depth=0",
        "start a1 parent=a0 size=6 @2+2 depth=1",
        "start 81 parent=a1 size=2 @4+2 depth=2",
        "data 81 8182cafe h=2",
        "start 83 parent=a1 size=0 @8+2 depth=2",
        "end a1 @10",
        "start 82 parent=a0 size=3 @10+2 depth=1",
        "payload 82 010203",
        "end 82 @15",
        "end a0 @15");
    for (int chunk = 1; chunk <= in.length; chunk++) {
      assertEquals(expected, read(in, chunk), "chunk " + chunk);
    }
  }

  @Test
  void unknownSizeMastersCloseAtSameOrHigherLevelAtEbmlHeaderAndAtEnd() {
    // A0 (unknown) { A1 (unknown) { 81 }, EC void (global, does not close), A1 (closes the first A1) },
    // A0 (closes both), then a header 1A45DFA3 (closes all), then end() closes nothing left.
    byte[] in = hex("A0 FF A1 FF 81 81 01 EC 81 00 A1 FF A0 FF 1A45DFA3 80");
    List<String> got = read(in, 1);
    assertEquals(List.of(
        "start a0 parent=0 size=-1 @0+2 depth=0",
        "start a1 parent=a0 size=-1 @2+2 depth=1",
        "start 81 parent=a1 size=1 @4+2 depth=2",
        "data 81 818101 h=2",
        "start ec parent=a1 size=1 @7+2 depth=2",
        "end a1 @10",
        "start a1 parent=a0 size=-1 @10+2 depth=1",
        "end a1 @12",
        "end a0 @12",
        "start a0 parent=0 size=-1 @12+2 depth=0",
        "end a0 @14",
        "start 1a45dfa3 parent=0 size=0 @14+5 depth=0",
        "end 1a45dfa3 @19"), got);
  }

  @Test
  void streamedChunksAreViewsOfTheInput() {
    byte[] in = hex("82 88 0102030405060708");
    Recorder r = new Recorder();
    EbmlReader reader = new EbmlReader(r, SCHEMA, new EbmlLimits(64, 8));
    reader.feed(ByteBuffer.wrap(in, 0, 5));
    reader.feed(ByteBuffer.wrap(in, 5, 5));
    assertSame(in, r.chunks.get(0).array());
    assertSame(in, r.chunks.get(1).array());
    assertEquals(3, r.chunks.get(0).remaining());
    assertEquals(5, r.chunks.get(1).remaining());
  }

  @Test
  void bufferedElementsAreBoundedBeforeAllocation() {
    Recorder r = new Recorder();
    EbmlReader reader = new EbmlReader(r, SCHEMA, new EbmlLimits(64, 8));
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> reader.feed(ByteBuffer.wrap(hex("81 C1"))));
    assertEquals(MediaFormatException.Format.EBML, e.format());
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("element 0x81 of 65 bytes exceeds the buffered-element limit 64"));
  }

  @Test
  void unknownSizeOnALeafIsMalformed() {
    EbmlReader reader = new EbmlReader(new Recorder(), SCHEMA, new EbmlLimits(64, 8));
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> reader.feed(ByteBuffer.wrap(hex("A0 FF 81 FF"))));
    assertEquals(MediaFormatException.Format.EBML, e.format());
    assertEquals(MediaFormatException.Kind.MALFORMED, e.kind());
    assertEquals(2, e.offset());
  }

  @Test
  void endInsideAKnownSizeMasterIsMalformed() {
    EbmlReader reader = new EbmlReader(new Recorder(), SCHEMA, new EbmlLimits(64, 8));
    reader.feed(ByteBuffer.wrap(hex("A0 85 81 81 01")));
    MediaFormatException e = assertThrows(MediaFormatException.class, reader::end);
    assertEquals(MediaFormatException.Kind.MALFORMED, e.kind());
    assertTrue(e.getMessage().contains("input ends inside element 0xA0 which declares 2 more bytes"), e.getMessage());
  }

  @Test
  void eightByteSizesAndFourByteIds() {
    byte[] in = hex("1A45DFA3 0100000000000004 81 82 BEEF");
    assertEquals(List.of("start 1a45dfa3 parent=0 size=4 @0+12 depth=0", "start 81 parent=1a45dfa3 size=2 @12+2 depth=1",
        "data 81 8182beef h=2", "end 1a45dfa3 @16"), read(in, 3));
  }
}
