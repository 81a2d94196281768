package io.vidlog.ingest;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The encryption of one spooled upload (docs/architecture.md §Storage, "Envelope encryption": no plaintext media at rest). The
 * plaintext is cut into {@link StreamingSeal#SEGMENT_SIZE} segments, each sealed with AES-256-GCM
 * under the segment's index (and a last-segment flag) in its nonce, so segments cannot be altered,
 * moved or cut off unnoticed; segment {@code i} lies at {@code i × (SEGMENT_SIZE + 16)} in the
 * file, so any plaintext offset can be read without the rest. The key is random for each upload
 * and exists only in this object: a killed process leaves ciphertext nobody can open (and start-up
 * deletes it). The writer holds at most one segment; the reader decrypts a segment once and keeps
 * the last few, because the demuxer reads samples of interleaved tracks a few hundred bytes at a
 * time.
 *
 * <p>{@link #add} and {@link #finish} run on the connection's event loop (AES-GCM seals a segment
 * in tens of microseconds); {@link #reader} is for the demuxing worker, after {@link #finish}.
 */
final class SealedSpool {
  static final int SEGMENT = StreamingSeal.SEGMENT_SIZE;
  static final int SEALED_SEGMENT = StreamingSeal.sealedLength(SEGMENT);
  /** Segments the reader keeps decrypted: the demuxer alternates between a few regions (tracks, moov). */
  private static final int CACHED_SEGMENTS = 4;

  private final StreamingSeal seal;
  private final byte[] segment = new byte[SEGMENT];
  private int filled;
  private int sealedSegments;
  private long length;
  private boolean finished;

  SealedSpool(String what) {
    this.seal = StreamingSeal.ephemeral(what);
  }

  /**
   * Takes the plaintext in {@code bytes} (consumed) and hands each completed segment, sealed, to
   * {@code out} in file order. A full segment is held until the next byte arrives, since only then
   * is it known not to be the last.
   */
  void add(ByteBuffer bytes, Consumer<Buffer> out) {
    while (bytes.hasRemaining()) {
      if (filled == SEGMENT) {
        out.accept(sealSegment(false));
      }
      int n = Math.min(bytes.remaining(), SEGMENT - filled);
      bytes.get(segment, filled, n);
      filled += n;
      length += n;
    }
  }

  /** The body ended: the last segment, sealed (it may be empty). */
  Buffer finish() {
    finished = true;
    return sealSegment(true);
  }

  /** Plaintext bytes taken so far. */
  long length() {
    return length;
  }

  private Buffer sealSegment(boolean last) {
    byte[] out = new byte[StreamingSeal.sealedLength(filled)];
    seal.seal(sealedSegments++, last, null, segment, 0, filled, out, 0);
    filled = 0;
    return BufferInternal.buffer(Unpooled.wrappedBuffer(out)); // Buffer.buffer(byte[]) would copy it again
  }

  /** A read-only view of the plaintext in the sealed {@code file} (blocking I/O: a worker's). */
  Reader reader(Path file) throws IOException {
    if (!finished) {
      throw new IllegalStateException("the spool is still being written");
    }
    return new Reader(FileChannel.open(file, StandardOpenOption.READ));
  }

  /**
   * The plaintext, decrypted a segment at a time; a segment that does not authenticate fails the
   * read with the fragment store's INTEGRITY error.
   */
  final class Reader implements SeekableByteChannel {
    private final FileChannel file;
    private final Map<Integer, byte[]> cache = new LinkedHashMap<>(CACHED_SEGMENTS, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, byte[]> eldest) {
        return size() > CACHED_SEGMENTS;
      }
    };
    private final byte[] sealed = new byte[SEALED_SEGMENT];
    private long position;
    private int opened;

    private Reader(FileChannel file) {
      this.file = file;
    }

    /** Segments decrypted so far (a segment read again from the cache does not count). */
    int segmentsOpened() {
      return opened;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (position >= length) {
        return -1;
      }
      int index = (int) (position / SEGMENT);
      byte[] plain = segment(index);
      int at = (int) (position % SEGMENT);
      int n = Math.min(dst.remaining(), plain.length - at);
      dst.put(plain, at, n);
      position += n;
      return n;
    }

    private byte[] segment(int index) throws IOException {
      byte[] plain = cache.get(index);
      if (plain != null) {
        return plain;
      }
      int last = sealedSegments - 1;
      int size = index == last ? (int) (length - (long) index * SEGMENT) : SEGMENT;
      ByteBuffer in = ByteBuffer.wrap(sealed, 0, StreamingSeal.sealedLength(size));
      long at = (long) index * SEALED_SEGMENT;
      while (in.hasRemaining()) {
        if (file.read(in, at + in.position()) < 0) {
          throw new IOException("spool file ends inside segment " + index);
        }
      }
      plain = new byte[size];
      seal.open(index, index == last, null, sealed, 0, in.limit(), plain, 0);
      opened++;
      cache.put(index, plain);
      return plain;
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      if (newPosition < 0) {
        throw new IllegalArgumentException("negative position " + newPosition);
      }
      position = newPosition;
      return this;
    }

    @Override
    public long size() {
      return length;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return file.isOpen();
    }

    @Override
    public void close() throws IOException {
      file.close();
      cache.clear();
    }
  }
}
