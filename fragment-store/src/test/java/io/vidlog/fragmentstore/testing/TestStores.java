package io.vidlog.fragmentstore.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.Sealers;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.index.FragmentRecords;
import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.streams.ObjectStoreStreamRegistry;
import io.vidlog.fragmentstore.streams.RegistryConfig;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.kvs.StreamRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The stream side of fragment-store as the server wires it, for the tests of the modules built on
 * it: the real {@link ObjectStoreStreamRegistry} and the real {@link ObjectStoreTimeIndex} over one
 * object store, and an archive. Two shapes:
 * <ul>
 *   <li>{@link #inMemory}: a {@link MemoryObjectStore}, the {@link TestSealer} and a
 *       {@link MemoryArchive} (whose commits a test can hold, slow down or fail);</li>
 *   <li>{@link #onDisk}: the durable fs object store, the keyring and the
 *       {@link SealedFragmentArchive} under a directory, as {@code java -jar} has them under its
 *       data dir.</li>
 * </ul>
 * Calls made through {@link #await(Supplier)} run on one event-loop context of the given Vert.x.
 */
public final class TestStores implements AutoCloseable {
  public final Vertx vertx;
  public final Context context;
  public final ObjectStore objects;
  public final FragmentArchive archive;
  public final ObjectStoreTimeIndex index;
  public final ObjectStoreStreamRegistry registry;
  private final Path objectsDir;

  private TestStores(Vertx vertx, Context context, ObjectStore objects, Sealers sealers, FragmentArchive archive,
      Path objectsDir) throws Exception {
    this.vertx = vertx;
    this.context = context;
    this.objects = objects;
    this.archive = archive;
    this.objectsDir = objectsDir;
    this.index = new ObjectStoreTimeIndex(objects, sealers, archive, IndexConfig.DEFAULT);
    this.registry = await(() -> ObjectStoreStreamRegistry.open(vertx, objects, sealers, RegistryConfig.DEFAULT));
  }

  /** The real registry and index over a MemoryObjectStore, sealed by the TestSealer; a MemoryArchive. */
  public static TestStores inMemory(Vertx vertx) throws Exception {
    MemoryObjectStore objects = new MemoryObjectStore();
    return new TestStores(vertx, vertx.getOrCreateContext(), objects, Sealers.of(new TestSealer()),
        new MemoryArchive(objects), null);
  }

  /**
   * vidlog's stores under {@code dir} as the server wires them: objects in {@code dir/objects} (the
   * fs backend), the keyring in {@code dir/keys}, chunks sealed through {@code dir/spool}, stream
   * records and index objects under their scope's data keys. Another instance over the same
   * directory sees everything, as a restarted server does.
   */
  public static TestStores onDisk(Vertx vertx, Path dir) throws Exception {
    Context context = vertx.getOrCreateContext();
    Path objectsDir = dir.resolve("objects");
    FsObjectStore objects = new FsObjectStore(vertx, objectsDir);
    Crypto crypto = onContext(context, () -> Crypto.open(vertx, objects, dir.resolve("keys")));
    SealedFragmentArchive archive = onContext(context, () -> SealedFragmentArchive.open(vertx, objects, crypto,
        dir.resolve("spool")));
    Sealers sealers = scope -> crypto.keys(scope).map(k -> (ObjectSealer) k);
    return new TestStores(vertx, context, objects, sealers, archive, objectsDir);
  }

  /** The in-memory archive (only {@link #inMemory} has one). */
  public MemoryArchive memoryArchive() {
    if (archive instanceof MemoryArchive m) {
      return m;
    }
    throw new IllegalStateException("the on-disk stores have the sealed archive");
  }

  /** Runs {@code call} on the stores' event-loop context and waits for its result (60 s at most). */
  public <T> T await(Supplier<Future<T>> call) throws Exception {
    return onContext(context, call);
  }

  private static <T> T onContext(Context context, Supplier<Future<T>> call) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        call.get().onComplete(ar -> {
          if (ar.succeeded()) {
            result.complete(ar.result());
          } else {
            result.completeExceptionally(ar.cause());
          }
        });
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    try {
      return result.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  public StreamInfo createStream(String name, int retentionHours) throws Exception {
    return await(() -> registry.create(new StreamRegistry.CreateStreamRequest(name, null, "video/h264", null,
        retentionHours, null)));
  }

  /** DeleteStream: listeners of {@link StreamRegistry#onDeleted} hear of it. */
  public void deleteStream(String name) throws Exception {
    await(() -> registry.delete(StreamRef.byName(name), null));
  }

  /** Stores the chunk durably, then indexes it: what ingest does before it acks PERSISTED. */
  public void persist(StreamInfo stream, ChunkHeader header, Buffer mkv) throws Exception {
    storeChunk(stream, header, mkv);
    await(() -> indexLater(stream, header));
  }

  /** Stores the chunk only: the index does not list it until {@link #indexLater}. */
  public void storeChunk(StreamInfo stream, ChunkHeader header, Buffer mkv) throws Exception {
    await(() -> {
      FragmentArchive.ChunkWriter w = archive.begin(stream, header.number());
      return w.write(mkv).compose(v -> w.commit(header));
    });
  }

  /** Appends the fragment's index record; callable on any event loop (it does not block). */
  public Future<Void> indexLater(StreamInfo stream, ChunkHeader header) {
    return index.append(stream, FragmentRecords.fromHeader(header));
  }

  /** What the index holds for the stream, in fragment-number order. */
  public List<FragmentRecord> records(StreamInfo stream) throws Exception {
    return await(() -> index.index(stream)).records();
  }

  /** Waits until the index holds at least {@code count} records of the stream; returns them all. */
  public List<FragmentRecord> awaitRecords(StreamInfo stream, int count) throws Exception {
    Conditions.await(count + " fragments indexed in " + stream.streamName(), () -> {
      try {
        return records(stream).size() >= count;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    return records(stream);
  }

  /** Every chunk of the stream in the archive, read back (and decrypted) as a reader sees it. */
  public List<MemoryArchive.Stored> chunks(StreamInfo stream) throws Exception {
    List<MemoryArchive.Stored> out = new ArrayList<>();
    for (FragmentNumber n : await(() -> archive.list(stream, null, 100_000))) {
      out.add(await(() -> archive.open(stream, n).compose(TestStores::readAll)));
    }
    return out;
  }

  private static Future<MemoryArchive.Stored> readAll(FragmentArchive.ChunkReader reader) {
    Promise<MemoryArchive.Stored> all = Promise.promise();
    Buffer bytes = Buffer.buffer();
    ReadStream<Buffer> mkv = reader.mkv();
    mkv.handler(bytes::appendBuffer).exceptionHandler(all::tryFail)
        .endHandler(v -> all.tryComplete(new MemoryArchive.Stored(reader.header(), bytes)));
    mkv.resume();
    return all.future();
  }

  /** The file that holds a sealed chunk, to damage it behind the store's back ({@link #onDisk} only). */
  public Path chunkFile(StreamInfo stream, FragmentNumber number) {
    if (objectsDir == null) {
      throw new IllegalStateException("the in-memory stores have no files");
    }
    return objectsDir.resolve(SealedFragmentArchive.objectKey(stream, number));
  }

  /** Closes the object store; the Vert.x instance is the caller's. */
  @Override
  public void close() {
    objects.close();
  }
}
