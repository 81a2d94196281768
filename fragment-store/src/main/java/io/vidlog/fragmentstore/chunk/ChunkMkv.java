package io.vidlog.fragmentstore.chunk;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.kvs.KvsTag;
import io.vidlog.media.ebml.EbmlWriter;
import io.vidlog.media.mkv.EbmlHeaderInfo;
import io.vidlog.media.mkv.MatroskaIds;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.Tag;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The one owner of a chunk's plaintext MKV bytes and of the KVS framing around them: what ingest
 * writes into a stored or live chunk (EBML header, unknown-size Segment, Cluster start, SimpleBlock
 * headers, the producer's Tags) and what GetMedia and GetMediaForFragmentList add when they send one
 * (the {@code AWS_KINESISVIDEO_*} Tags before and after the Cluster, error chunks). The layout is the
 * one {@link ChunkHeader} describes and the wire contract fixes (docs/wire-protocol.md §2 "Chunk
 * layout"). Encoding is media's {@link MkvWriter} with the shortest sizes; this class adapts it to
 * Vert.x buffers (wrapping, never copying) and decides the few things a chunk needs beyond plain
 * Matroska: defaults for a producer's missing EBML header fields and one frame per SimpleBlock.
 */
public final class ChunkMkv {
  private static final MkvWriter MKV = MkvWriter.MINIMAL;
  /** RFC 9559 §5.1.8.1.1: 50 is TargetTypeValue's default, so this Targets means "the whole segment". */
  private static final long DEFAULT_TARGET = 50;
  /**
   * SimpleBlock lacing bits (RFC 9559 §10.2, bits 0x06). A stored or live frame is always one frame
   * (the reader has already split laced blocks), so the bits are cleared wherever a header is written.
   */
  private static final int LACING_BITS = 0x06;

  private ChunkMkv() {}

  /** The EBML header (RFC 8794 §11.2) re-encoded from the producer's values, with defaults for absent ones. */
  public static Buffer ebmlHeader(EbmlHeaderInfo h) {
    return Buffer.buffer(MKV.ebmlHeader(new EbmlHeaderInfo(h.docType() == null ? "matroska" : h.docType(),
        h.docTypeVersion() > 0 ? h.docTypeVersion() : 2, h.docTypeReadVersion() > 0 ? h.docTypeReadVersion() : 2,
        h.maxIdLength() > 0 ? h.maxIdLength() : 4, h.maxSizeLength() > 0 ? h.maxSizeLength() : 8)));
  }

  /** A Segment of unknown size: a chunk is streamed before its length is known. */
  public static Buffer segmentStart() {
    return Buffer.buffer(MKV.segmentStartUnknownSize());
  }

  /** Cluster of unknown size and its Timecode (RFC 9559 §5.1.3), the producer's value unchanged. */
  public static Buffer clusterStart(long timecode) {
    return Buffer.buffer(MKV.clusterStart(timecode, -1));
  }

  /** Length of {@link #clusterStart} for this timecode. */
  public static int clusterStartLength(long timecode) {
    return MKV.clusterStart(timecode, -1).length;
  }

  /** The flags a stored frame's SimpleBlock carries: the producer's, without lacing. */
  public static int frameFlags(int flags) {
    return flags & ~LACING_BITS & 0xFF;
  }

  /**
   * A SimpleBlock's id, size and block header (RFC 9559 §10.2: track VINT, signed 16-bit relative
   * timecode, flags without lacing); the payload follows it unchanged.
   */
  public static Buffer simpleBlockHeader(int track, int relativeTimecode, int flags, int payloadLength) {
    return Buffer.buffer(MKV.simpleBlockHeader(track, relativeTimecode, frameFlags(flags), payloadLength));
  }

  /** Length of {@link #simpleBlockHeader} for these values, without building it. */
  public static int simpleBlockHeaderLength(int track, int payloadLength) {
    int trackLen = EbmlWriter.vintLength(track);
    return EbmlWriter.idLength(MatroskaIds.SIMPLE_BLOCK) + EbmlWriter.vintLength((long) trackLen + 3 + payloadLength)
        + trackLen + 3;
  }

  /** The producer's metadata as one Tags element with one Tag of SimpleTags; empty when there is none. */
  public static Buffer producerTags(List<ChunkHeader.Metadata> items) {
    if (items.isEmpty()) {
      return Buffer.buffer(0);
    }
    List<SimpleTag> simple = items.stream().map(m -> SimpleTag.of(m.name(), m.value())).toList();
    return Buffer.buffer(MKV.tags(List.of(new Tag(DEFAULT_TARGET, simple))));
  }

  /**
   * The KVS Tags before a chunk's Cluster: fragment number, server and producer timestamps.
   * {@code bothSpellings} adds GetMediaForFragmentList's documented {@code …_SIDE_TIMESTAMP} names
   * beside the ones the parser library reads (docs/wire-protocol.md §3.2). As in the KVS captures,
   * one Tag of flat SimpleTags, no Targets.
   */
  public static Buffer kvsPreCluster(FragmentNumber number, long serverMillis, long producerMillis,
      boolean bothSpellings) {
    List<SimpleTag> tags = new ArrayList<>(5);
    tags.add(SimpleTag.of(KvsTag.FRAGMENT_NUMBER, number.value()));
    tags.add(SimpleTag.of(KvsTag.SERVER_TIMESTAMP, KvsTag.seconds(serverMillis)));
    tags.add(SimpleTag.of(KvsTag.PRODUCER_TIMESTAMP, KvsTag.seconds(producerMillis)));
    if (bothSpellings) {
      tags.add(SimpleTag.of(KvsTag.SERVER_SIDE_TIMESTAMP, KvsTag.seconds(serverMillis)));
      tags.add(SimpleTag.of(KvsTag.PRODUCER_SIDE_TIMESTAMP, KvsTag.seconds(producerMillis)));
    }
    return Buffer.buffer(MKV.tags(tags.toArray(SimpleTag[]::new)));
  }

  /** The KVS Tags after a GetMedia chunk's Cluster: how far behind now it is, and the token to resume after it. */
  public static Buffer kvsPostCluster(long millisBehindNow, String continuationToken) {
    return Buffer.buffer(MKV.tags(
        SimpleTag.of(KvsTag.MILLIS_BEHIND_NOW, Long.toString(Math.max(0, millisBehindNow))),
        SimpleTag.of(KvsTag.CONTINUATION_TOKEN, continuationToken)));
  }

  /**
   * A whole error chunk: EBML header, unknown-size Segment, the error Tags and an empty unknown-size
   * Cluster. The parser library treats a chunk whose pre-cluster tags carry a fragment number but no
   * server timestamp as an error and reads ERROR_ID/ERROR_CODE from it; the empty Cluster moves its
   * state machine through the chunk so a following chunk is read normally (GetMediaForFragmentList
   * goes on after an error). {@code archived} adds GetMediaForFragmentList's documented
   * {@code AWS_KINESISVIDEO_EXCEPTION_*} tags (docs/wire-protocol.md §3.2).
   */
  public static Buffer errorChunk(String number, int errorId, String errorCode, String message, boolean archived) {
    List<SimpleTag> tags = new ArrayList<>(5);
    tags.add(SimpleTag.of(KvsTag.FRAGMENT_NUMBER, number));
    tags.add(SimpleTag.of(KvsTag.ERROR_CODE, errorCode));
    tags.add(SimpleTag.of(KvsTag.ERROR_ID, Integer.toString(errorId)));
    if (archived) {
      tags.add(SimpleTag.of(KvsTag.EXCEPTION_ERROR_CODE, Integer.toString(errorId)));
      tags.add(SimpleTag.of(KvsTag.EXCEPTION_MESSAGE, message));
    }
    return Buffer.buffer(MKV.ebmlHeader())
        .appendBytes(MKV.segmentStartUnknownSize())
        .appendBytes(MKV.tags(tags.toArray(SimpleTag[]::new)))
        .appendBuffer(clusterStart(0));
  }
}
