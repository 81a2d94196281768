package io.vidlog.playback.mkv;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes GetMedia and GetMediaForFragmentList add around a stored chunk (kvs-api.md §2 "Chunk
 * layout"): a level-1 {@code Tags} before the Cluster with the fragment number and timestamps, a
 * {@code Tags} after the Cluster with MILLIS_BEHIND_NOW and the continuation token, and whole error
 * chunks. As in the KVS captures, each Tags holds one Tag whose SimpleTags are flat name/string
 * pairs (no Targets).
 */
public final class ChunkTags {

  private ChunkTags() {}

  /**
   * Tags inserted before the Cluster. {@code bothSpellings} adds GetMediaForFragmentList's documented
   * {@code …_SIDE_TIMESTAMP} names beside the ones the parser library reads (kvs-api.md §3.2).
   */
  public static Buffer preCluster(FragmentNumber number, long serverMillis, long producerMillis, boolean bothSpellings) {
    List<String[]> tags = new ArrayList<>(5);
    tags.add(pair(KvsTag.FRAGMENT_NUMBER, number.value()));
    tags.add(pair(KvsTag.SERVER_TIMESTAMP, seconds(serverMillis)));
    tags.add(pair(KvsTag.PRODUCER_TIMESTAMP, seconds(producerMillis)));
    if (bothSpellings) {
      tags.add(pair(KvsTag.SERVER_SIDE_TIMESTAMP, seconds(serverMillis)));
      tags.add(pair(KvsTag.PRODUCER_SIDE_TIMESTAMP, seconds(producerMillis)));
    }
    return tags(tags);
  }

  /** Tags after the Cluster: how far behind now the chunk is, and the token to resume after it. */
  public static Buffer postCluster(long millisBehindNow, String continuationToken) {
    return tags(List.of(pair(KvsTag.MILLIS_BEHIND_NOW, Long.toString(Math.max(0, millisBehindNow))),
        pair(KvsTag.CONTINUATION_TOKEN, continuationToken)));
  }

  /**
   * A whole error chunk: EBML header, unknown-size Segment, the error Tags and an empty unknown-size
   * Cluster. The parser library treats a chunk whose pre-cluster tags carry a fragment number but no
   * server timestamp as an error and reads ERROR_ID/ERROR_CODE from it; the empty Cluster moves its
   * state machine through the chunk so a following chunk is read normally (GetMediaForFragmentList
   * continues after an error). {@code number} is the fragment concerned ("0" when none).
   */
  public static Buffer errorChunk(String number, StreamError error, String message, boolean archived) {
    List<String[]> tags = new ArrayList<>(5);
    tags.add(pair(KvsTag.FRAGMENT_NUMBER, number));
    tags.add(pair(KvsTag.ERROR_CODE, error.code()));
    tags.add(pair(KvsTag.ERROR_ID, Integer.toString(error.id())));
    if (archived) {
      tags.add(pair(KvsTag.EXCEPTION_ERROR_CODE, Integer.toString(error.id())));
      tags.add(pair(KvsTag.EXCEPTION_MESSAGE, message));
    }
    Buffer out = Buffer.buffer(256);
    out.appendBuffer(ebmlHeader());
    Ebml.writeId(out, Ebml.SEGMENT);
    Ebml.writeUnknownSize(out);
    out.appendBuffer(tags(tags));
    out.appendBuffer(clusterStart(0));
    return out;
  }

  /** The start of an unknown-size Cluster with its Timecode (RFC 9559 §5.1.3), as live chunks write it. */
  public static Buffer clusterStart(long timecode) {
    Buffer out = Buffer.buffer(20);
    Ebml.writeId(out, Ebml.CLUSTER);
    Ebml.writeUnknownSize(out);
    Ebml.writeUnsigned(out, Ebml.TIMECODE, timecode);
    return out;
  }

  /**
   * A SimpleBlock's id, size and block header (RFC 9559 §10.2: track VINT, signed 16-bit relative
   * timecode, flags); the payload follows it unchanged.
   */
  public static Buffer simpleBlockHeader(int trackNumber, int relativeTimecode, int flags, int payloadLength) {
    if (trackNumber < 1 || trackNumber > 126) {
      throw new IllegalArgumentException("track number out of range: " + trackNumber);
    }
    Buffer out = Buffer.buffer(16);
    out.appendByte((byte) Ebml.SIMPLE_BLOCK);
    Ebml.writeSize(out, 4L + payloadLength);
    out.appendByte((byte) (0x80 | trackNumber));
    out.appendShort((short) relativeTimecode);
    out.appendByte((byte) (flags & 0xF9)); // lacing bits cleared: one frame per block
    return out;
  }

  /** KVS timestamp tag value: epoch seconds with exactly three decimals, e.g. {@code 1511852109.126}. */
  public static String seconds(long millis) {
    return BigDecimal.valueOf(millis, 3).toPlainString();
  }

  private static String[] pair(String name, String value) {
    return new String[] {name, value};
  }

  private static Buffer tags(List<String[]> pairs) {
    Buffer tag = Buffer.buffer(256);
    for (String[] p : pairs) {
      Buffer simple = Buffer.buffer(96);
      Ebml.writeString(simple, Ebml.TAG_NAME, p[0]);
      Ebml.writeString(simple, Ebml.TAG_STRING, p[1]);
      Ebml.writeElement(tag, Ebml.SIMPLE_TAG, simple);
    }
    Buffer tagElement = Buffer.buffer(tag.length() + 8);
    Ebml.writeElement(tagElement, Ebml.TAG, tag);
    Buffer out = Buffer.buffer(tagElement.length() + 8);
    Ebml.writeElement(out, Ebml.TAGS, tagElement);
    return out;
  }

  /** An EBML header for a Matroska v2 document (RFC 8794 §11.2, RFC 9559 §5.1). */
  private static Buffer ebmlHeader() {
    Buffer body = Buffer.buffer(32);
    Ebml.writeUnsigned(body, 0x4286, 1);
    Ebml.writeUnsigned(body, 0x42F7, 1);
    Ebml.writeUnsigned(body, 0x42F2, 4);
    Ebml.writeUnsigned(body, 0x42F3, 8);
    Ebml.writeString(body, 0x4282, "matroska");
    Ebml.writeUnsigned(body, 0x4287, 2);
    Ebml.writeUnsigned(body, 0x4285, 2);
    Buffer out = Buffer.buffer(body.length() + 8);
    Ebml.writeElement(out, Ebml.EBML, body);
    return out;
  }
}
