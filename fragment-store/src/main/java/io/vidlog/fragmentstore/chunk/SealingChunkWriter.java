package io.vidlog.fragmentstore.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import java.nio.file.Path;

/**
 * Writes one chunk: the plaintext MKV handed to {@link #write} is kept by reference (the frames stay
 * in the buffers they arrived in) until a whole 64 KiB segment is there, which is then sealed with
 * AES-GCM straight from those pieces into an array of the {@link SealedSegmentPool} and appended to
 * a spool file through Vert.x's {@link AsyncFile} (its writes run off the event loop); the array
 * goes back to the pool when its write completed. {@link #commit} appends the sealed header and
 * footer and hands the file to {@link ObjectStore#putFile}. Memory per writer is less than one
 * segment of referenced plaintext plus the file's bounded write queue.
 *
 * <p>The spool file is not fsynced here: the fs store fsyncs it before renaming it into place, and
 * the s3 store uploads it (durability is then the server's answer), so a second fsync would only
 * cost time. Calls are serialised through {@link #tail}, so writes issued before the scope's keys
 * and the spool file are ready keep their order.
 */
final class SealingChunkWriter implements FragmentArchive.ChunkWriter {
  private static final int WRITE_QUEUE_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final ObjectStore store;
  private final String objectKey;
  private final FragmentNumber number;
  private final SealContext context;
  private final Path spool;
  private final SealedSegmentPool segments;
  /** Plaintext written but not sealed yet, by reference: less than one segment between calls. */
  private final CompositeByteBuf pending = new CompositeByteBuf(UnpooledByteBufAllocator.DEFAULT, false,
      Integer.MAX_VALUE);
  private int index;
  private long written;
  private StreamingSeal sealer;
  private AsyncFile file;
  private Future<Void> tail;
  private Throwable failure;
  /** The caller waiting for the spool file's write queue to drain, if any. */
  private Promise<Void> draining;
  private boolean finished;

  SealingChunkWriter(Vertx vertx, ObjectStore store, Crypto crypto, String streamId, FragmentNumber number, Path spool,
      SealedSegmentPool segments) {
    this.vertx = vertx;
    this.segments = segments;
    this.store = store;
    this.objectKey = ChunkLayout.key(streamId, number);
    this.number = number;
    this.context = ChunkLayout.context(streamId, number);
    this.spool = spool;
    this.tail = crypto.keys(streamId)
        .compose(keys -> {
          sealer = keys.chunkSealer(context);
          return vertx.fileSystem().open(spool.toString(), new OpenOptions().setWrite(true).setCreateNew(true));
        })
        .compose(f -> {
          file = f;
          f.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
          f.exceptionHandler(this::fail);
          if (finished) {
            return Future.succeededFuture(); // aborted while opening
          }
          return f.write(Buffer.buffer(sealer.prefix()));
        })
        .recover(e -> {
          // the failure as every later call reports it (a full disk: FULL), not the raw I/O error
          fail(e);
          return Future.failedFuture(failure);
        });
  }

  @Override
  public Future<Void> write(Buffer mkv) {
    if (finished) {
      return Future.failedFuture(new IllegalStateException("chunk " + objectKey + " is already committed or aborted"));
    }
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (!tail.isComplete()) {
      tail = tail.compose(v -> writeNow(mkv));
      return tail;
    }
    if (tail.failed()) {
      return tail;
    }
    return writeNow(mkv);
  }

  private Future<Void> writeNow(Buffer mkv) {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    ByteBuf in = ((BufferInternal) mkv).getByteBuf();
    written += in.readableBytes();
    // the caller hands its bytes over: kept as they are, never copied into a staging array
    pending.addFlattenedComponents(true, in);
    while (pending.readableBytes() >= StreamingSeal.SEGMENT_SIZE) {
      sealSegment(StreamingSeal.SEGMENT_SIZE);
    }
    pending.discardReadComponents();
    if (file.writeQueueFull()) {
      Promise<Void> drained = Promise.promise();
      draining = drained;
      file.drainHandler(v -> drained.tryComplete());
      if (failure != null) {
        drained.tryFail(failure); // a queued write failed already: the queue may never drain
      }
      return drained.future();
    }
    return Future.succeededFuture();
  }

  /** Seals the next {@code n} pending bytes into a pooled array and queues its write. */
  private void sealSegment(int n) {
    byte[] out = segments.acquire();
    int len;
    try {
      len = sealer.seal(index++, false, null, pending.nioBuffers(pending.readerIndex(), n), out, 0);
    } catch (RuntimeException e) {
      segments.release(out);
      throw e;
    }
    pending.skipBytes(n);
    file.write(BufferInternal.buffer(Unpooled.wrappedBuffer(out, 0, len))).onComplete(ar -> {
      segments.release(out); // written (or failed): nothing reads the array any more
      if (ar.failed()) {
        fail(ar.cause());
      }
    });
  }

  @Override
  public Future<Void> commit(ChunkHeader header) {
    if (finished) {
      return Future.failedFuture(new IllegalStateException("chunk " + objectKey + " is already committed or aborted"));
    }
    Future<Void> done = tail.compose(v -> commitNow(header));
    tail = done;
    return done.onFailure(e -> discard());
  }

  private Future<Void> commitNow(ChunkHeader header) {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (!header.number().equals(number)) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID,
          "chunk header names fragment " + header.number() + " but the chunk is " + number));
    }
    if (header.mkvLength() != written) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID,
          "chunk header says " + header.mkvLength() + " MKV bytes but " + written + " were written"));
    }
    byte[] encoded;
    try {
      encoded = ChunkHeaderCodec.encode(header);
    } catch (StoreException e) {
      return Future.failedFuture(e);
    }
    if (pending.readableBytes() > 0) {
      sealSegment(pending.readableBytes());
    }
    pending.release();
    finished = true;
    int sealedHeaderLength = StreamingSeal.sealedLength(encoded.length);
    byte[] footer = ChunkLayout.footer(written, sealedHeaderLength);
    byte[] tailBytes = new byte[sealedHeaderLength + footer.length];
    sealer.seal(index, true, footer, encoded, 0, encoded.length, tailBytes, 0);
    System.arraycopy(footer, 0, tailBytes, sealedHeaderLength, footer.length);
    return file.write(Buffer.buffer(tailBytes))
        .compose(v -> file.close())
        .compose(v -> {
          // closed: a discard after a failed upload must not close it again (AsyncFile throws then,
          // and the spool file would stay behind)
          file = null;
          return failure != null ? Future.failedFuture(failure) : store.putFile(objectKey, spool);
        });
  }

  @Override
  public void abort() {
    if (finished && failure == null) {
      return;
    }
    finished = true;
    tail.eventually(() -> {
      discard();
      return Future.succeededFuture();
    });
  }

  /** Closes and deletes the spool file; nothing became visible in the store. */
  private void discard() {
    finished = true;
    if (pending.refCnt() > 0) {
      pending.release();
    }
    Future<Void> closed = file == null ? Future.succeededFuture() : file.close().recover(e -> Future.succeededFuture());
    closed.compose(v -> vertx.fileSystem().exists(spool.toString()))
        .compose(exists -> exists ? vertx.fileSystem().delete(spool.toString()) : Future.succeededFuture());
  }

  private void fail(Throwable t) {
    if (failure == null) {
      failure = t instanceof StoreException ? t
          : StoreException.isNoSpace(t)
          ? new StoreException(StoreException.Kind.FULL, "spooling chunk " + objectKey + ": no space left", t)
          : new StoreException(StoreException.Kind.INTERNAL, "spooling chunk " + objectKey + " failed: " + t, t);
    }
    if (draining != null) {
      // a failed write need not drain the file's queue: whoever waits for room hears of the failure
      draining.tryFail(failure);
    }
  }
}
