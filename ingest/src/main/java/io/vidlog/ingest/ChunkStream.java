package io.vidlog.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive.ChunkWriter;
import java.nio.ByteBuffer;

/**
 * Feeds one fragment's plaintext MKV into a {@link ChunkWriter}: bytes are gathered into a staging
 * buffer of about {@code writeBytes} and handed over one write at a time, so at most one write is in
 * flight and one staging buffer is filling. {@link #behind()} tells the connection to pause its
 * request until the store catches up (back-pressure from the object store to the socket). Confined
 * to the connection's context.
 */
final class ChunkStream {
  private final ChunkWriter writer;
  private final Context context;
  private final int writeBytes;
  private final Runnable onProgress;
  /**
   * A composite of the staged pieces: each frame is copied once, into an array of its own size,
   * which the live feed then shares. A contiguous staging buffer had to grow (allocate, zero and
   * copy) whenever a frame did not fit, about 14% of ingest CPU with 50 kB frames.
   */
  private CompositeByteBuf staging;
  private boolean writing;
  private boolean closed;
  private Throwable failure;
  private Promise<Void> drained;

  ChunkStream(ChunkWriter writer, Context context, int writeBytes, Runnable onProgress) {
    this.writer = writer;
    this.context = context;
    this.writeBytes = writeBytes;
    this.onProgress = onProgress;
    this.staging = newStaging();
  }

  private static CompositeByteBuf newStaging() {
    // no component limit: a limit makes Netty consolidate (copy) the pieces into one buffer
    return new CompositeByteBuf(UnpooledByteBufAllocator.DEFAULT, false, Integer.MAX_VALUE);
  }

  void append(Buffer bytes) {
    if (failure != null || closed) {
      return; // the chunk is lost already; its commit fails
    }
    staging.addComponent(true, Unpooled.wrappedBuffer(bytes.getBytes()));
    pump();
  }

  /**
   * Appends a SimpleBlock: its header and its payload, both staged by reference (the payload is
   * shared with the live feed and never changed, see {@code LiveFeed.publishImmutable}).
   */
  void appendBlock(Buffer blockHeader, Buffer payload) {
    if (failure == null && !closed) {
      // the block header is made fresh for each frame: staged as it is
      staging.addComponent(true, ((BufferInternal) blockHeader).getByteBuf());
      staging.addComponent(true, ((BufferInternal) payload).getByteBuf().retainedDuplicate());
      pump();
    }
  }

  /**
   * A frame's own copy of {@code payload} (which is valid only during the reader's call), for a
   * frame the parser assembled in space it reuses (a BlockGroup's Block); made once:
   * {@code Buffer.buffer(byte[])} would copy the array a second time.
   */
  static Buffer copyOf(ByteBuffer payload) {
    byte[] copy = new byte[payload.remaining()];
    payload.duplicate().get(copy);
    return BufferInternal.buffer(Unpooled.wrappedBuffer(copy));
  }

  /** True while a write is in flight and the next one is already full. */
  boolean behind() {
    return writing && staging.readableBytes() >= writeBytes;
  }

  /**
   * Writes what is staged, then seals and stores the chunk; fails if any write failed, and then
   * aborts the writer, which discards what it spooled (a full disk must not keep the part it took).
   */
  Future<Void> commit(ChunkHeader header) {
    closed = true;
    drained = Promise.promise();
    pump();
    return drained.future().transform(ar -> {
      if (ar.succeeded()) {
        return writer.commit(header);
      }
      writer.abort();
      return Future.failedFuture(ar.cause());
    });
  }

  void abort() {
    closed = true;
    staging = newStaging();
    writer.abort();
  }

  private void pump() {
    if (writing) {
      return;
    }
    if (failure != null) {
      if (drained != null) {
        drained.tryFail(failure);
      }
      return;
    }
    int n = staging.readableBytes();
    if (n >= writeBytes || (closed && n > 0)) {
      ByteBuf out = staging;
      staging = newStaging();
      writing = true;
      writer.write(BufferInternal.buffer(out)).onComplete(ar -> context.runOnContext(v -> {
        writing = false;
        if (ar.failed()) {
          failure = ar.cause();
        }
        pump();
        onProgress.run();
      }));
    } else if (closed && drained != null) {
      drained.tryComplete();
    }
  }
}
