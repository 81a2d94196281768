package io.vidlog.playback.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.index.FragmentRecords;
import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.fragmentstore.streams.ObjectStoreStreamRegistry;
import io.vidlog.fragmentstore.streams.RegistryConfig;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * vidlog's real store on a temp dir: fs object store, keyring, sealed fragment archive, durable time
 * index and stream registry, as the server wires them. {@link #persist} does what ingest does
 * before it acks PERSISTED: write and commit the chunk, then append its index record.
 */
public final class RealStore implements AutoCloseable {
  public final Vertx vertx;
  public final Context context;
  public final FsObjectStore objects;
  public final SealedFragmentArchive archive;
  public final ObjectStoreTimeIndex index;
  public final ObjectStoreStreamRegistry registry;
  private final Path objectsDir;

  public RealStore(Vertx vertx, Path dir) throws Exception {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.objectsDir = dir.resolve("objects");
    this.objects = new FsObjectStore(vertx, objectsDir);
    Crypto crypto = await(() -> Crypto.open(vertx, objects, dir.resolve("keys")));
    this.archive = await(() -> SealedFragmentArchive.open(vertx, objects, crypto, dir.resolve("spool")));
    this.index = new ObjectStoreTimeIndex(objects, await(() -> crypto.keys(SealContext.SYSTEM)), archive,
        IndexConfig.DEFAULT);
    this.registry = await(() -> crypto.keys(SealContext.SYSTEM).compose(sealer ->
        ObjectStoreStreamRegistry.open(vertx, objects, sealer, RegistryConfig.DEFAULT)));
  }

  /** Runs {@code call} on the store's event-loop context and waits for its result. */
  public <T> T await(Supplier<Future<T>> call) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> call.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    return result.get(60, TimeUnit.SECONDS);
  }

  public StreamInfo create(String name, int retentionHours) throws Exception {
    return await(() -> registry.create(new StreamRegistry.CreateStreamRequest(name, null, "video/h264", null,
        retentionHours, null)));
  }

  /** Stores the chunk durably and indexes it, as ingest does before it acks PERSISTED. */
  public void persist(StreamInfo s, TestChunks.Fragment f) throws Exception {
    storeChunk(s, f);
    await(() -> indexLater(s, f));
  }

  /** Stores the chunk only: the index does not list it until {@link #indexLater}. */
  public void storeChunk(StreamInfo s, TestChunks.Fragment f) throws Exception {
    await(() -> {
      FragmentArchive.ChunkWriter w = archive.begin(s, f.number());
      return w.write(f.mkv()).compose(v -> w.commit(f.header()));
    });
  }

  /** Appends the fragment's index record; callable on any event loop (it does not block). */
  public Future<Void> indexLater(StreamInfo s, TestChunks.Fragment f) {
    return index.append(s, FragmentRecords.fromHeader(f.header()));
  }

  /** The file that holds a sealed chunk, to damage it behind the store's back. */
  public Path chunkFile(StreamInfo s, FragmentNumber n) {
    return objectsDir.resolve(SealedFragmentArchive.objectKey(s, n));
  }

  @Override
  public void close() {
    objects.close();
  }
}
