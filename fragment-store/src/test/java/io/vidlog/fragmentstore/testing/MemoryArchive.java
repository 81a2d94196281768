package io.vidlog.fragmentstore.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.ChunkHeaderCodec;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The FragmentArchive double of every module's tests: no crypto, no spool file. A committed chunk
 * is one object at the real chunk key ({@link SealedFragmentArchive#objectKey}) of an ObjectStore
 * (a {@link MemoryObjectStore} unless one is given): a 4-byte header length, the header as the real
 * archive encodes it ({@link ChunkHeaderCodec}), then the plaintext MKV. A second instance over the
 * same store sees the same chunks, as a restarted node sees the real archive's, and a deleted
 * stream's chunks go with its objects.
 *
 * <p>Tests can hold or fail commits and count aborted writers and header reads.
 */
public class MemoryArchive implements FragmentArchive {
  /** One stored chunk as a reader sees it. */
  public record Stored(ChunkHeader header, Buffer mkv) {}

  private final ObjectStore store;
  private final AtomicInteger aborted = new AtomicInteger();
  private final AtomicInteger headerReads = new AtomicInteger();
  private volatile boolean failCommits;
  /** While set, commits complete only when {@link #releaseCommits} is called. */
  private volatile Promise<Void> heldCommits;

  public MemoryArchive() {
    this(new MemoryObjectStore());
  }

  public MemoryArchive(ObjectStore store) {
    this.store = store;
  }

  public ObjectStore store() {
    return store;
  }

  // ---- what a test sets or reads -----------------------------------------------------------

  /** Commits fail with a StoreException UNAVAILABLE (the store is down) while set. */
  public void failCommits(boolean fail) {
    failCommits = fail;
  }

  /** Commits from now on wait until {@link #releaseCommits}: a fragment stays RECEIVED, not PERSISTED. */
  public void holdCommits() {
    heldCommits = Promise.promise();
  }

  public void releaseCommits() {
    Promise<Void> held = heldCommits;
    heldCommits = null;
    if (held != null) {
      held.complete();
    }
  }

  /** How many chunk writers were aborted. */
  public int aborted() {
    return aborted.get();
  }

  /** How many times a chunk's header was read ({@link #header}): what an index rebuild costs. */
  public int headerReads() {
    return headerReads.get();
  }

  /** Stores a chunk at once, as a committed writer would (a header alone: an empty MKV). */
  public Future<Void> put(StreamInfo stream, ChunkHeader header) {
    return put(stream, header, Buffer.buffer());
  }

  public Future<Void> put(StreamInfo stream, ChunkHeader header, Buffer mkv) {
    byte[] h = ChunkHeaderCodec.encode(header);
    return store.put(SealedFragmentArchive.objectKey(stream, header.number()),
        Buffer.buffer().appendInt(h.length).appendBytes(h).appendBuffer(mkv));
  }

  /** Every stored chunk of the stream in fragment-number order (call from a test thread). */
  public List<Stored> chunksOf(StreamInfo stream) {
    List<Stored> out = new ArrayList<>();
    for (FragmentNumber n : Await.await(list(stream, null, Integer.MAX_VALUE))) {
      out.add(decode(Await.await(store.get(SealedFragmentArchive.objectKey(stream, n)))));
    }
    return out;
  }

  // ---- FragmentArchive ---------------------------------------------------------------------

  @Override
  public ChunkWriter begin(StreamInfo stream, FragmentNumber number) {
    return new ChunkWriter() {
      private final Buffer bytes = Buffer.buffer();

      @Override
      public Future<Void> write(Buffer mkv) {
        bytes.appendBuffer(mkv);
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> commit(ChunkHeader header) {
        if (failCommits) {
          return Future.failedFuture(new StoreException(StoreException.Kind.UNAVAILABLE, "injected: store down"));
        }
        Promise<Void> held = heldCommits;
        Future<Void> gate = held == null ? Future.succeededFuture() : held.future();
        return gate.compose(v -> put(stream, header, bytes));
      }

      @Override
      public void abort() {
        aborted.incrementAndGet();
      }
    };
  }

  @Override
  public Future<ChunkReader> open(StreamInfo stream, FragmentNumber number) {
    // slices are handed out on later turns of the reader's event loop, as the real archive's are
    Context context = Vertx.currentContext();
    Executor later = context == null ? Runnable::run : task -> context.runOnContext(v -> task.run());
    return store.get(SealedFragmentArchive.objectKey(stream, number)).map(b -> {
      Stored s = decode(b);
      return new ChunkReader() {
        @Override
        public ChunkHeader header() {
          return s.header();
        }

        @Override
        public ReadStream<Buffer> mkv() {
          return new BufferReadStream(later, s.mkv(), 16 * 1024, -1);
        }
      };
    });
  }

  @Override
  public Future<ChunkHeader> header(StreamInfo stream, FragmentNumber number) {
    headerReads.incrementAndGet();
    return store.get(SealedFragmentArchive.objectKey(stream, number)).map(b -> decode(b).header());
  }

  @Override
  public Future<List<FragmentNumber>> list(StreamInfo stream, FragmentNumber after, int max) {
    return SealedFragmentArchive.list(store, stream, after, max);
  }

  @Override
  public Future<Void> delete(StreamInfo stream, FragmentNumber number) {
    return store.delete(SealedFragmentArchive.objectKey(stream, number));
  }

  private static Stored decode(Buffer object) {
    int length = object.getInt(0);
    return new Stored(ChunkHeaderCodec.decode(object.getBytes(4, 4 + length)), object.slice(4 + length,
        object.length()));
  }
}
