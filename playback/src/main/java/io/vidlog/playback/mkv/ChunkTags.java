package io.vidlog.playback.mkv;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SimpleTag;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes GetMedia and GetMediaForFragmentList add around a stored chunk (kvs-api.md §2 "Chunk
 * layout"): a level-1 {@code Tags} before the Cluster with the fragment number and timestamps, a
 * {@code Tags} after the Cluster with MILLIS_BEHIND_NOW and the continuation token, whole error
 * chunks, and the Cluster start and SimpleBlock headers a live chunk is written with. As in the KVS
 * captures, each Tags holds one Tag whose SimpleTags are flat name/string pairs (no Targets).
 */
public final class ChunkTags {
  private static final MkvWriter MKV = MkvWriter.MINIMAL;

  private ChunkTags() {}

  /**
   * Tags inserted before the Cluster. {@code bothSpellings} adds GetMediaForFragmentList's documented
   * {@code …_SIDE_TIMESTAMP} names beside the ones the parser library reads (kvs-api.md §3.2).
   */
  public static Buffer preCluster(FragmentNumber number, long serverMillis, long producerMillis, boolean bothSpellings) {
    List<SimpleTag> tags = new ArrayList<>(5);
    tags.add(SimpleTag.of(KvsTag.FRAGMENT_NUMBER, number.value()));
    tags.add(SimpleTag.of(KvsTag.SERVER_TIMESTAMP, seconds(serverMillis)));
    tags.add(SimpleTag.of(KvsTag.PRODUCER_TIMESTAMP, seconds(producerMillis)));
    if (bothSpellings) {
      tags.add(SimpleTag.of(KvsTag.SERVER_SIDE_TIMESTAMP, seconds(serverMillis)));
      tags.add(SimpleTag.of(KvsTag.PRODUCER_SIDE_TIMESTAMP, seconds(producerMillis)));
    }
    return Buffer.buffer(MKV.tags(tags.toArray(SimpleTag[]::new)));
  }

  /** Tags after the Cluster: how far behind now the chunk is, and the token to resume after it. */
  public static Buffer postCluster(long millisBehindNow, String continuationToken) {
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
   * {@code AWS_KINESISVIDEO_EXCEPTION_*} tags (kvs-api.md §3.2).
   */
  public static Buffer errorChunk(String number, StreamError error, String message, boolean archived) {
    List<SimpleTag> tags = new ArrayList<>(5);
    tags.add(SimpleTag.of(KvsTag.FRAGMENT_NUMBER, number));
    tags.add(SimpleTag.of(KvsTag.ERROR_CODE, error.code()));
    tags.add(SimpleTag.of(KvsTag.ERROR_ID, Integer.toString(error.id())));
    if (archived) {
      tags.add(SimpleTag.of(KvsTag.EXCEPTION_ERROR_CODE, Integer.toString(error.id())));
      tags.add(SimpleTag.of(KvsTag.EXCEPTION_MESSAGE, message));
    }
    return Buffer.buffer(MKV.ebmlHeader())
        .appendBytes(MKV.segmentStartUnknownSize())
        .appendBytes(MKV.tags(tags.toArray(SimpleTag[]::new)))
        .appendBuffer(clusterStart(0));
  }

  /** The start of an unknown-size Cluster with its Timecode (RFC 9559 §5.1.3), as live chunks write it. */
  public static Buffer clusterStart(long timecode) {
    return Buffer.buffer(MKV.clusterStart(timecode, -1));
  }

  /**
   * A SimpleBlock's id, size and block header (RFC 9559 §10.2: track VINT, signed 16-bit relative
   * timecode, flags); the payload follows it unchanged. Lacing bits are cleared: a live Frame is one frame.
   */
  public static Buffer simpleBlockHeader(int trackNumber, int relativeTimecode, int flags, int payloadLength) {
    return Buffer.buffer(MKV.simpleBlockHeader(trackNumber, relativeTimecode, flags & ~0x06, payloadLength));
  }

  /** KVS timestamp tag value: epoch seconds with exactly three decimals, e.g. {@code 1511852109.126}. */
  public static String seconds(long millis) {
    return BigDecimal.valueOf(millis, 3).toPlainString();
  }
}
