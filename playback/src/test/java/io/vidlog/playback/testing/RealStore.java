package io.vidlog.playback.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

  public RealStore(Vertx vertx, Path dir) throws Exception {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.objects = new FsObjectStore(vertx, dir.resolve("objects"));
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

  public void persist(StreamInfo s, TestChunks.Fragment f) throws Exception {
    await(() -> {
      FragmentArchive.ChunkWriter w = archive.begin(s, f.number());
      return w.write(f.mkv()).compose(v -> w.commit(f.header()))
          .compose(v -> index.append(s, FragmentRecords.fromHeader(f.header())));
    });
  }

  @Override
  public void close() {
    objects.close();
  }
}
