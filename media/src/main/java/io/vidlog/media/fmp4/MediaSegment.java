package io.vidlog.media.fmp4;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * One rendered media segment, {@code moof} + {@code mdat} (ISO/IEC 14496-12 §8.8.4, §8.1.1), whose
 * exact {@link #length()} is known before a byte is sent. The header (moof and the mdat header) is
 * one small array; the mdat payload is the sample buffers themselves, referenced, never copied. So
 * writing costs no memory beyond what already holds the fragment's frames. Immutable: every call to
 * {@link #buffers()} hands out fresh read-only views, so one segment may be written to several
 * readers, from several threads.
 */
public final class MediaSegment {
  private final long sequenceNumber;
  private final ByteBuffer header;
  private final ByteBuffer[] payloads;
  /** Start offset of part i (0 the header, i ≥ 1 payload i-1); the last entry is the total length. */
  private final long[] starts;
  private final List<TrackTiming> tracks;

  MediaSegment(long sequenceNumber, ByteBuffer header, ByteBuffer[] payloads, List<TrackTiming> tracks) {
    this.sequenceNumber = sequenceNumber;
    this.header = header.asReadOnlyBuffer();
    this.payloads = payloads;
    this.starts = new long[payloads.length + 2];
    starts[1] = header.remaining();
    for (int i = 0; i < payloads.length; i++) {
      starts[i + 2] = starts[i + 1] + payloads[i].remaining();
    }
    this.tracks = List.copyOf(tracks);
  }

  /** Exact byte length: an HTTP Content-Length. */
  public long length() {
    return starts[starts.length - 1];
  }

  /** The {@code mfhd} sequence_number. */
  public long sequenceNumber() {
    return sequenceNumber;
  }

  /** Timing of each track that has samples here, in traf order. */
  public List<TrackTiming> tracks() {
    return tracks;
  }

  /** The timing of one track, or null when it has no samples in this segment. */
  public TrackTiming track(int trackId) {
    for (TrackTiming t : tracks) {
      if (t.trackId() == trackId) {
        return t;
      }
    }
    return null;
  }

  /** Length of {@code moof} plus the {@code mdat} header: where the first sample's bytes start. */
  public int headerLength() {
    return header.remaining();
  }

  /** The whole segment as read-only views, in order: the header, then each sample's bytes. */
  public List<ByteBuffer> buffers() {
    return buffers(0, length());
  }

  /**
   * Bytes {@code [offset, offset + count)} as read-only views (an HTTP byte range, RFC 9110 §14).
   *
   * @throws IndexOutOfBoundsException when the range is not within {@link #length()}
   */
  public List<ByteBuffer> buffers(long offset, long count) {
    long end = offset + count;
    if (offset < 0 || count < 0 || end > length()) {
      throw new IndexOutOfBoundsException("range " + offset + "+" + count + " of a " + length()
          + "-byte segment");
    }
    List<ByteBuffer> out = new ArrayList<>();
    int part = partAt(offset);
    for (long at = offset; at < end; part++) {
      ByteBuffer p = part == 0 ? header : payloads[part - 1];
      int from = (int) (at - starts[part]);
      int n = (int) Math.min(p.remaining() - from, end - at);
      if (n > 0) {
        out.add(p.slice(p.position() + from, n).asReadOnlyBuffer());
      }
      at += n;
    }
    return out;
  }

  /** Index of the part holding byte {@code offset} (the first part with bytes at or after it). */
  private int partAt(long offset) {
    int lo = 0;
    int hi = starts.length - 2;
    while (lo < hi) { // the last part whose start is <= offset
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Writes the whole segment. */
  public void writeTo(OutputStream out) throws IOException {
    byte[] copy = null;
    for (ByteBuffer b : buffers()) {
      if (b.hasArray()) {
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      } else {
        if (copy == null || copy.length < Math.min(b.remaining(), 64 * 1024)) {
          copy = new byte[Math.min(b.remaining(), 64 * 1024)];
        }
        while (b.hasRemaining()) {
          int n = Math.min(copy.length, b.remaining());
          b.get(copy, 0, n);
          out.write(copy, 0, n);
        }
      }
    }
  }

  /** Writes the whole segment to a blocking channel. */
  public void writeTo(WritableByteChannel ch) throws IOException {
    for (ByteBuffer b : buffers()) {
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /** The whole segment in one new array (tests, small segments). */
  public byte[] toByteArray() {
    if (length() > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("segment of " + length() + " bytes does not fit an array");
    }
    byte[] out = new byte[(int) length()];
    int at = 0;
    for (ByteBuffer b : buffers()) {
      int n = b.remaining();
      b.get(out, at, n);
      at += n;
    }
    return out;
  }
}
