package io.vidlog.fragmentstore.chunk;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.object.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary encoding of {@link ChunkHeader} inside a chunk (it is sealed, so it is never seen in
 * the clear). Format version {@value #VERSION}, big-endian:
 *
 * <pre>
 * u8  version
 * u8  n, n ASCII digits        fragment number
 * i64 serverTimestampMillis, producerTimestampMillis, durationMillis, clusterTimecode, clusterOffset, mkvLength
 * u8  trackCount, then per track: i32 trackNumber, str codecId, i32 frameCount
 * u16 metadataCount, then per item: str name, str value
 * str = u16 length + UTF-8 bytes
 * </pre>
 *
 * Decoding checks every count and length against what remains before allocating, and a header
 * that does not decode exactly (trailing bytes included) is an INTEGRITY failure.
 */
public final class ChunkHeaderCodec {
  public static final int VERSION = 1;
  /** Upper bound of an encoded header: it is sealed as one segment of the chunk format. */
  public static final int MAX_ENCODED = 60 * 1024;
  static final int MAX_TRACKS = 255;
  static final int MAX_METADATA = 1024;

  private ChunkHeaderCodec() {}

  public static byte[] encode(ChunkHeader h) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bos)) {
      out.writeByte(VERSION);
      byte[] number = h.number().value().getBytes(StandardCharsets.US_ASCII);
      out.writeByte(number.length);
      out.write(number);
      out.writeLong(h.serverTimestampMillis());
      out.writeLong(h.producerTimestampMillis());
      out.writeLong(h.durationMillis());
      out.writeLong(h.clusterTimecode());
      out.writeLong(h.clusterOffset());
      out.writeLong(h.mkvLength());
      if (h.tracks().size() > MAX_TRACKS) {
        throw invalid(h.tracks().size() + " tracks exceed " + MAX_TRACKS);
      }
      out.writeByte(h.tracks().size());
      for (ChunkHeader.TrackSummary t : h.tracks()) {
        out.writeInt(t.trackNumber());
        writeString(out, t.codecId(), "codec id");
        out.writeInt(t.frameCount());
      }
      if (h.metadata().size() > MAX_METADATA) {
        throw invalid(h.metadata().size() + " metadata items exceed " + MAX_METADATA);
      }
      out.writeShort(h.metadata().size());
      for (ChunkHeader.Metadata m : h.metadata()) {
        writeString(out, m.name(), "metadata name");
        writeString(out, m.value(), "metadata value");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
    }
    if (bos.size() > MAX_ENCODED) {
      throw invalid("encoded chunk header of " + bos.size() + " bytes exceeds " + MAX_ENCODED);
    }
    return bos.toByteArray();
  }

  public static ChunkHeader decode(byte[] bytes) {
    if (bytes.length > MAX_ENCODED) {
      throw corrupt("chunk header of " + bytes.length + " bytes exceeds " + MAX_ENCODED);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      int version = b.get() & 0xff;
      if (version != VERSION) {
        throw corrupt("unsupported chunk header version " + version);
      }
      int n = b.get() & 0xff;
      String number = new String(bytes(b, n), StandardCharsets.US_ASCII);
      if (!FragmentNumber.isValid(number)) {
        throw corrupt("chunk header has an invalid fragment number");
      }
      long server = b.getLong();
      long producer = b.getLong();
      long duration = b.getLong();
      long timecode = b.getLong();
      long clusterOffset = b.getLong();
      long mkvLength = b.getLong();
      int trackCount = b.get() & 0xff;
      List<ChunkHeader.TrackSummary> tracks = new ArrayList<>(trackCount);
      for (int i = 0; i < trackCount; i++) {
        tracks.add(new ChunkHeader.TrackSummary(b.getInt(), readString(b), b.getInt()));
      }
      int metaCount = b.getShort() & 0xffff;
      if (metaCount > MAX_METADATA) {
        throw corrupt(metaCount + " metadata items exceed " + MAX_METADATA);
      }
      List<ChunkHeader.Metadata> meta = new ArrayList<>(Math.min(metaCount, b.remaining() / 4));
      for (int i = 0; i < metaCount; i++) {
        meta.add(new ChunkHeader.Metadata(readString(b), readString(b)));
      }
      if (b.hasRemaining()) {
        throw corrupt(b.remaining() + " trailing bytes after the chunk header");
      }
      return new ChunkHeader(new FragmentNumber(number), server, producer, duration, timecode, List.copyOf(tracks),
          List.copyOf(meta), clusterOffset, mkvLength);
    } catch (BufferUnderflowException e) {
      throw corrupt("truncated chunk header at byte " + b.position());
    }
  }

  private static void writeString(DataOutputStream out, String s, String what) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xffff) {
      throw invalid(what + " of " + b.length + " bytes is too long");
    }
    out.writeShort(b.length);
    out.write(b);
  }

  private static String readString(ByteBuffer b) {
    int n = b.getShort() & 0xffff;
    return new String(bytes(b, n), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ByteBuffer b, int n) {
    if (n > b.remaining()) {
      throw new BufferUnderflowException();
    }
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  private static StoreException invalid(String message) {
    return new StoreException(StoreException.Kind.INVALID, message);
  }

  private static StoreException corrupt(String message) {
    return new StoreException(StoreException.Kind.INTEGRITY, message);
  }
}
