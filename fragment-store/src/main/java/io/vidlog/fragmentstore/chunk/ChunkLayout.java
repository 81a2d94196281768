package io.vidlog.fragmentstore.chunk;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.StoreException;
import java.nio.ByteBuffer;

/**
 * Where things are in a stored chunk, and its object key. A chunk object is:
 *
 * <pre>
 * prefix   StreamingSeal.PREFIX_LENGTH bytes (magic, version, key id, salt, nonce prefix; no metadata)
 * mkv      ceil(mkvLength / 64 KiB) sealed segments, indices 0..n-1, 64 KiB + 16 bytes each (the last shorter)
 * header   the encoded {@link ChunkHeader}, sealed as segment n with the "last" flag; its AAD adds the footer
 * footer   {@value #FOOTER_LENGTH} bytes: u64 mkvLength, u32 sealed header length, "VLCF"
 * </pre>
 *
 * <p>Why the header is at the end: ingest knows a fragment's header (duration, frame counts, the
 * tags after the Cluster) only when the fragment closes, while its MKV bytes have streamed through
 * long before. A trailer lets the writer seal and spool the bytes in one pass, with one segment in
 * memory and no rewrite of the file; the fixed-size footer lets a reader find the header with one
 * small range read from the end (index rebuild reads a few KB per chunk). The footer is cleartext
 * but authenticated: it is in the final segment's AAD, and that segment's nonce carries the segment
 * count, so a changed length, a truncation or an appended segment all fail to open.
 */
final class ChunkLayout {
  static final String KIND = "chunk";
  static final int FOOTER_LENGTH = 16;
  static final int SEALED_SEGMENT = StreamingSeal.SEGMENT_SIZE + StreamingSeal.TAG_BYTES;
  private static final int FOOTER_MAGIC = 0x564c4346; // "VLCF"

  private ChunkLayout() {}

  static String prefix(String streamId) {
    return "streams/" + streamId + "/chunks/";
  }

  static String key(String streamId, FragmentNumber number) {
    return prefix(streamId) + number.value();
  }

  static SealContext context(String streamId, FragmentNumber number) {
    return new SealContext(streamId, KIND, number.value());
  }

  static long segmentCount(long mkvLength) {
    return (mkvLength + StreamingSeal.SEGMENT_SIZE - 1) / StreamingSeal.SEGMENT_SIZE;
  }

  static long sealedMkvLength(long mkvLength) {
    return mkvLength + segmentCount(mkvLength) * StreamingSeal.TAG_BYTES;
  }

  static long segmentOffset(long index) {
    return StreamingSeal.PREFIX_LENGTH + index * SEALED_SEGMENT;
  }

  static byte[] footer(long mkvLength, int sealedHeaderLength) {
    return ByteBuffer.allocate(FOOTER_LENGTH).putLong(mkvLength).putInt(sealedHeaderLength).putInt(FOOTER_MAGIC).array();
  }

  /** The footer's fields, checked against the object size. */
  record Footer(long mkvLength, int sealedHeaderLength, byte[] bytes) {
    long headerOffset() {
      return StreamingSeal.PREFIX_LENGTH + sealedMkvLength(mkvLength);
    }

    int headerIndex() {
      return (int) segmentCount(mkvLength);
    }
  }

  static Footer parseFooter(byte[] bytes, long objectSize, String what) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long mkvLength = b.getLong();
    int headerLength = b.getInt();
    if (b.getInt() != FOOTER_MAGIC) {
      throw integrity(what + ": not a sealed chunk (bad footer)");
    }
    if (mkvLength < 0 || headerLength < StreamingSeal.TAG_BYTES || headerLength > ChunkHeaderCodec.MAX_ENCODED + 16
        || segmentCount(mkvLength) > Integer.MAX_VALUE - 1) {
      throw integrity(what + ": footer out of range (mkv " + mkvLength + ", header " + headerLength + ")");
    }
    long expected = StreamingSeal.PREFIX_LENGTH + sealedMkvLength(mkvLength) + headerLength + FOOTER_LENGTH;
    if (expected != objectSize) {
      throw integrity(what + ": object is " + objectSize + " bytes but its footer describes " + expected
          + " (truncated or extended)");
    }
    return new Footer(mkvLength, headerLength, bytes);
  }

  static StoreException integrity(String message) {
    return new StoreException(StoreException.Kind.INTEGRITY, message);
  }
}
