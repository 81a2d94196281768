package io.vidlog.fragmentstore.chunk;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import java.nio.file.Path;

/**
 * Writes one chunk: plaintext MKV is collected into one 64 KiB segment at a time, each full segment
 * is sealed and appended to a spool file through Vert.x's {@link AsyncFile} (its writes run off the
 * event loop; sealing 64 KiB takes tens of microseconds once the JIT has warmed up), and
 * {@link #commit} appends the sealed header and footer and hands the file to
 * {@link ObjectStore#putFile}. Memory per writer is one segment plus the file's bounded write queue.
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
  private final byte[] segment = new byte[StreamingSeal.SEGMENT_SIZE];
  private int fill;
  private int index;
  private long written;
  private StreamingSeal sealer;
  private AsyncFile file;
  private Future<Void> tail;
  private Throwable failure;
  private boolean finished;

  SealingChunkWriter(Vertx vertx, ObjectStore store, Crypto crypto, String streamId, FragmentNumber number, Path spool) {
    this.vertx = vertx;
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
        .onFailure(this::fail);
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
    int pos = 0;
    int len = mkv.length();
    while (pos < len) {
      int n = Math.min(len - pos, segment.length - fill);
      mkv.getBytes(pos, pos + n, segment, fill);
      fill += n;
      pos += n;
      if (fill == segment.length) {
        sealSegment();
      }
    }
    written += len;
    if (file.writeQueueFull()) {
      Promise<Void> drained = Promise.promise();
      file.drainHandler(v -> drained.tryComplete());
      return drained.future();
    }
    return Future.succeededFuture();
  }

  private void sealSegment() {
    byte[] out = new byte[fill + StreamingSeal.TAG_BYTES];
    sealer.seal(index++, false, null, segment, 0, fill, out, 0);
    fill = 0;
    file.write(Buffer.buffer(out)).onFailure(this::fail);
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
    if (fill > 0) {
      sealSegment();
    }
    finished = true;
    int sealedHeaderLength = StreamingSeal.sealedLength(encoded.length);
    byte[] footer = ChunkLayout.footer(written, sealedHeaderLength);
    byte[] tailBytes = new byte[sealedHeaderLength + footer.length];
    sealer.seal(index, true, footer, encoded, 0, encoded.length, tailBytes, 0);
    System.arraycopy(footer, 0, tailBytes, sealedHeaderLength, footer.length);
    return file.write(Buffer.buffer(tailBytes))
        .compose(v -> file.close())
        .compose(v -> failure != null ? Future.failedFuture(failure) : store.putFile(objectKey, spool));
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
    Future<Void> closed = file == null ? Future.succeededFuture() : file.close().recover(e -> Future.succeededFuture());
    closed.compose(v -> vertx.fileSystem().exists(spool.toString()))
        .compose(exists -> exists ? vertx.fileSystem().delete(spool.toString()) : Future.succeededFuture());
  }

  private void fail(Throwable t) {
    if (failure == null) {
      failure = t instanceof StoreException ? t
          : new StoreException(StoreException.Kind.INTERNAL, "spooling chunk " + objectKey + " failed: " + t, t);
    }
  }
}
