package io.vidlog.ingest;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.media.ebml.EbmlWriter;
import io.vidlog.media.mkv.EbmlHeaderInfo;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.Tag;
import java.util.List;

/**
 * The bytes of a stored chunk's plaintext MKV, as {@link ChunkHeader}'s javadoc fixes them: EBML
 * header, Segment of unknown size, Info, Tracks, pre-cluster producer Tags, Cluster of unknown size
 * (Timecode, SimpleBlocks), post-cluster producer Tags. The encoding is media's {@link MkvWriter}
 * (shortest sizes); this class only adapts it to Vert.x {@link Buffer}s (wrapping, not copying) and
 * fills in what a producer's EBML header left out.
 */
final class ChunkLayout {
  private static final MkvWriter MKV = MkvWriter.MINIMAL;
  private static final EbmlWriter EBML = MKV.ebml();
  /** RFC 9559 §5.1.8.1.1: 50 is TargetTypeValue's default, so this Targets means "the whole segment". */
  private static final long DEFAULT_TARGET = 50;
  /** SimpleBlock flags without the lacing bits: one frame per SimpleBlock (RFC 9559 §10.2). */
  private static final int NO_LACING = 0xF9;

  private ChunkLayout() {}

  /** The EBML header (RFC 8794 §11.2) re-encoded from the producer's values, with defaults for absent ones. */
  static Buffer ebmlHeader(EbmlHeaderInfo h) {
    return Buffer.buffer(MKV.ebmlHeader(new EbmlHeaderInfo(h.docType() == null ? "matroska" : h.docType(),
        h.docTypeVersion() > 0 ? h.docTypeVersion() : 2, h.docTypeReadVersion() > 0 ? h.docTypeReadVersion() : 2,
        h.maxIdLength() > 0 ? h.maxIdLength() : 4, h.maxSizeLength() > 0 ? h.maxSizeLength() : 8)));
  }

  static Buffer segmentStart() {
    return Buffer.buffer(MKV.segmentStartUnknownSize());
  }

  /** Cluster of unknown size and its Timecode (as the producer sent it). */
  static Buffer clusterStart(long timecode) {
    return Buffer.buffer(MKV.clusterStart(timecode, -1));
  }

  /** A SimpleBlock's ID, size, track number, 16-bit relative timecode and flags; the payload follows. */
  static Buffer simpleBlockHeader(int track, int relativeTimecode, int flags, int payloadLength) {
    return Buffer.buffer(MKV.simpleBlockHeader(track, relativeTimecode, flags & NO_LACING, payloadLength));
  }

  /** Length of {@link #simpleBlockHeader} for these values, without building it. */
  static int simpleBlockHeaderLength(int track, int payloadLength) {
    int trackLen = EbmlWriter.vintLength(track);
    return EbmlWriter.idLength(0xA3) + EbmlWriter.vintLength((long) trackLen + 3 + payloadLength) + trackLen + 3;
  }

  /** One Tags element with one Tag holding the items as SimpleTags (TagName, TagString); empty when none. */
  static Buffer tags(List<ChunkHeader.Metadata> items) {
    if (items.isEmpty()) {
      return Buffer.buffer(0);
    }
    List<SimpleTag> simple = items.stream().map(m -> SimpleTag.of(m.name(), m.value())).toList();
    return Buffer.buffer(MKV.tags(List.of(new Tag(DEFAULT_TARGET, simple))));
  }

  // Element helpers for building test input with the same encoding.

  static void id(Buffer b, int id) {
    b.appendBytes(EbmlWriter.id(id));
  }

  static void size(Buffer b, long size) {
    b.appendBytes(EBML.size(size));
  }

  static void uint(Buffer b, int id, long value) {
    b.appendBytes(EBML.uint(id, value));
  }

  static void string(Buffer b, int id, String s) {
    b.appendBytes(EBML.string(id, s));
  }
}
