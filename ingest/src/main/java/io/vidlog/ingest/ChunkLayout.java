package io.vidlog.ingest;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.media.mkv.EbmlHeaderInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes of a stored chunk's plaintext MKV, as {@link ChunkHeader}'s javadoc fixes them: EBML
 * header, Segment of unknown size, Info, Tracks, pre-cluster producer Tags, Cluster of unknown size
 * (Timecode, SimpleBlocks), post-cluster producer Tags. Each element is one small function from
 * values to bytes (RFC 8794 EBML, RFC 9559 Matroska).
 */
final class ChunkLayout {
  static final int ID_EBML = 0x1A45DFA3;
  static final int ID_SEGMENT = 0x18538067;
  static final int ID_CLUSTER = 0x1F43B675;
  static final int ID_TIMECODE = 0xE7;
  static final int ID_SIMPLE_BLOCK = 0xA3;
  static final int ID_TAGS = 0x1254C367;
  static final int ID_TAG = 0x7373;
  static final int ID_TARGETS = 0x63C0;
  static final int ID_SIMPLE_TAG = 0x67C8;
  static final int ID_TAG_NAME = 0x45A3;
  static final int ID_TAG_STRING = 0x4487;
  /** RFC 8794 §6.2: all VINT_DATA bits set means unknown size; the 8-byte form. */
  private static final long UNKNOWN_SIZE_8 = 0x01FFFFFFFFFFFFFFL;

  private ChunkLayout() {}

  /** The EBML header (RFC 8794 §11.2) re-encoded from the producer's values. */
  static Buffer ebmlHeader(EbmlHeaderInfo h) {
    Buffer body = Buffer.buffer(48);
    uint(body, 0x4286, 1); // EBMLVersion
    uint(body, 0x42F7, 1); // EBMLReadVersion
    uint(body, 0x42F2, h.maxIdLength() > 0 ? h.maxIdLength() : 4);
    uint(body, 0x42F3, h.maxSizeLength() > 0 ? h.maxSizeLength() : 8);
    string(body, 0x4282, h.docType() == null ? "matroska" : h.docType());
    uint(body, 0x4287, h.docTypeVersion() > 0 ? h.docTypeVersion() : 2);
    uint(body, 0x4285, h.docTypeReadVersion() > 0 ? h.docTypeReadVersion() : 2);
    Buffer out = Buffer.buffer(body.length() + 12);
    id(out, ID_EBML);
    size(out, body.length());
    return out.appendBuffer(body);
  }

  static Buffer segmentStart() {
    Buffer b = Buffer.buffer(12);
    id(b, ID_SEGMENT);
    return b.appendLong(UNKNOWN_SIZE_8);
  }

  /** Cluster of unknown size and its Timecode (as the producer sent it). */
  static Buffer clusterStart(long timecode) {
    Buffer b = Buffer.buffer(24);
    id(b, ID_CLUSTER);
    b.appendLong(UNKNOWN_SIZE_8);
    uint(b, ID_TIMECODE, timecode);
    return b;
  }

  /** A SimpleBlock's ID, size, track number, 16-bit relative timecode and flags; the payload follows. */
  static Buffer simpleBlockHeader(int track, int relativeTimecode, int flags, int payloadLength) {
    Buffer b = Buffer.buffer(16);
    int trackLen = vintLength(track);
    id(b, ID_SIMPLE_BLOCK);
    size(b, (long) trackLen + 3 + payloadLength);
    vint(b, track, trackLen);
    b.appendShort((short) relativeTimecode);
    b.appendByte((byte) (flags & 0xF9)); // lacing bits cleared: one frame per SimpleBlock
    return b;
  }

  /** Length of {@link #simpleBlockHeader} for these values, without building it. */
  static int simpleBlockHeaderLength(int track, int payloadLength) {
    int trackLen = vintLength(track);
    return 1 + vintLength((long) trackLen + 3 + payloadLength) + trackLen + 3;
  }

  /** One Tags element with one Tag holding the items as SimpleTags (TagName, TagString); empty when none. */
  static Buffer tags(List<ChunkHeader.Metadata> items) {
    if (items.isEmpty()) {
      return Buffer.buffer(0);
    }
    Buffer tag = Buffer.buffer(64 * items.size());
    id(tag, ID_TARGETS);
    size(tag, 0);
    for (ChunkHeader.Metadata m : items) {
      Buffer st = Buffer.buffer(16 + m.name().length() + m.value().length());
      string(st, ID_TAG_NAME, m.name());
      string(st, ID_TAG_STRING, m.value());
      id(tag, ID_SIMPLE_TAG);
      size(tag, st.length());
      tag.appendBuffer(st);
    }
    Buffer tagEl = Buffer.buffer(tag.length() + 8);
    id(tagEl, ID_TAG);
    size(tagEl, tag.length());
    tagEl.appendBuffer(tag);
    Buffer out = Buffer.buffer(tagEl.length() + 12);
    id(out, ID_TAGS);
    size(out, tagEl.length());
    return out.appendBuffer(tagEl);
  }

  static void id(Buffer b, int id) {
    if ((id & 0xFF000000) != 0) {
      b.appendInt(id);
    } else if ((id & 0xFF0000) != 0) {
      b.appendMedium(id);
    } else if ((id & 0xFF00) != 0) {
      b.appendShort((short) id);
    } else {
      b.appendByte((byte) id);
    }
  }

  static void size(Buffer b, long size) {
    vint(b, size, vintLength(size));
  }

  /** Shortest VINT for a value; all-ones data is reserved for unknown size (RFC 8794 §4.4), so skip it. */
  static int vintLength(long v) {
    int len = 1;
    while (len < 8 && v >= (1L << (7 * len)) - 1) {
      len++;
    }
    return len;
  }

  static void vint(Buffer b, long v, int len) {
    long marked = v | (1L << (7 * len));
    for (int i = len - 1; i >= 0; i--) {
      b.appendByte((byte) (marked >>> (8 * i)));
    }
  }

  static void uint(Buffer b, int id, long value) {
    int len = 1;
    while (len < 8 && (value >>> (8 * len)) != 0) {
      len++;
    }
    id(b, id);
    size(b, len);
    for (int i = len - 1; i >= 0; i--) {
      b.appendByte((byte) (value >>> (8 * i)));
    }
  }

  static void string(Buffer b, int id, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    id(b, id);
    size(b, bytes.length);
    b.appendBytes(bytes);
  }
}
