package io.vidlog.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
  private ByteBuf staging;
  private boolean writing;
  private boolean closed;
  private Throwable failure;
  private Promise<Void> drained;

  ChunkStream(ChunkWriter writer, Context context, int writeBytes, Runnable onProgress) {
    this.writer = writer;
    this.context = context;
    this.writeBytes = writeBytes;
    this.onProgress = onProgress;
    this.staging = Unpooled.buffer(writeBytes + 1024);
  }

  void append(Buffer bytes) {
    if (failure != null || closed) {
      return; // the chunk is lost already; its commit fails
    }
    staging.writeBytes(((BufferInternal) bytes).getByteBuf());
    pump();
  }

  /**
   * Appends a SimpleBlock and returns its payload as a view of the staged bytes (never mutated
   * afterwards), so the live feed shares the one copy that is made of each frame.
   */
  Buffer appendBlock(Buffer blockHeader, ByteBuffer payload) {
    if (failure != null || closed) {
      byte[] copy = new byte[payload.remaining()];
      payload.duplicate().get(copy);
      return Buffer.buffer(copy);
    }
    staging.writeBytes(((BufferInternal) blockHeader).getByteBuf());
    int start = staging.writerIndex();
    staging.writeBytes(payload.duplicate());
    Buffer view = BufferInternal.buffer(staging.slice(start, staging.writerIndex() - start));
    pump();
    return view;
  }

  /** True while a write is in flight and the next one is already full. */
  boolean behind() {
    return writing && staging.readableBytes() >= writeBytes;
  }

  /** Writes what is staged, then seals and stores the chunk; fails if any write failed. */
  Future<Void> commit(ChunkHeader header) {
    closed = true;
    drained = Promise.promise();
    pump();
    return drained.future().compose(v -> writer.commit(header));
  }

  void abort() {
    closed = true;
    staging = Unpooled.EMPTY_BUFFER;
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
      staging = closed ? Unpooled.EMPTY_BUFFER : Unpooled.buffer(writeBytes + 1024);
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
