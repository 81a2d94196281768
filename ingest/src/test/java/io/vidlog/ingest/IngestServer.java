package io.vidlog.ingest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.kvs.KvsException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.TestFailures;
import io.vidlog.kvs.http.TestRoutes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A Vert.x HTTP server on an ephemeral loopback port with a Router, the IngestApi and a minimal
 * failure handler standing in for the server's (KvsException to status + AWS error body).
 */
final class IngestServer implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final FixedStreams streams = new FixedStreams();
  final MemoryArchive archive = new MemoryArchive(vertx);
  /** The real sealed archive over the durable fs object store, when the server was made with a data dir. */
  final SealedFragmentArchive sealed;
  private final FsObjectStore fsStore;
  final MemoryIndex index = new MemoryIndex();
  final RecordingFeeds feeds = new RecordingFeeds();
  final IngestApi api;
  private final HttpServer server;

  IngestServer(IngestConfig config) throws Exception {
    this(config, null);
  }

  /** With {@code dataDir}: chunks go through the real SealedFragmentArchive into an FsObjectStore there. */
  IngestServer(IngestConfig config, Path dataDir) throws Exception {
    this(config, dataDir, false);
  }

  /** {@code durableIndex}: the real ObjectStoreTimeIndex in the data dir instead of {@link #index}. */
  IngestServer(IngestConfig config, Path dataDir, boolean durableIndex) throws Exception {
    this(config, dataDir, durableIndex, System::nanoTime);
  }

  /** {@code nanoClock} times the call rate, the takeover rule and the idle timer (a test moves it by hand). */
  IngestServer(IngestConfig config, Path dataDir, boolean durableIndex, LongSupplier nanoClock) throws Exception {
    FragmentNumbers numbers = new FragmentNumbers(1);
    FragmentNumberSource minter = stream -> Future.succeededFuture(numbers);
    TimeIndex timeIndex = index;
    if (dataDir != null) {
      fsStore = new FsObjectStore(vertx, dataDir.resolve("objects"));
      Crypto crypto = await(Crypto.open(vertx, fsStore, dataDir.resolve("keys")));
      sealed = await(SealedFragmentArchive.open(vertx, fsStore, crypto, dataDir.resolve("spool")));
      if (durableIndex) {
        timeIndex = new ObjectStoreTimeIndex(fsStore, scope -> crypto.keys(scope).map(k -> k), sealed,
            IndexConfig.DEFAULT);
      }
    } else {
      fsStore = null;
      sealed = null;
    }
    IngestBuffers buffers = new IngestBuffers(config.buffers());
    api = new IngestApi(vertx, streams, sealed != null ? sealed : archive, timeIndex, feeds, minter, config, buffers,
        BodyParsers.mkv(config, buffers), BodyParsers.mp4(vertx, config, buffers), nanoClock);
    Router router = Router.router(vertx);
    TestRoutes.mount(router, api);
    router.route().failureHandler(TestFailures::handle);
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  /** The stored chunks of a stream in fragment order, read back (and decrypted) from the archive in use. */
  List<MemoryArchive.Stored> stored(StreamInfo stream) throws Exception {
    if (sealed == null) {
      return archive.chunksOf(stream);
    }
    List<MemoryArchive.Stored> out = new ArrayList<>();
    for (FragmentNumber n : await(sealed.list(stream, null, 10_000))) {
      FragmentArchive.ChunkReader reader = await(sealed.open(stream, n));
      Promise<Buffer> all = Promise.promise();
      Buffer bytes = Buffer.buffer();
      ReadStream<Buffer> mkv = reader.mkv();
      mkv.handler(bytes::appendBuffer).exceptionHandler(all::tryFail).endHandler(v -> all.tryComplete(bytes));
      mkv.resume();
      out.add(new MemoryArchive.Stored(reader.header(), await(all.future())));
    }
    return out;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.actualPort() + IngestApi.PATH);
  }

  int port() {
    return server.actualPort();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (fsStore != null) {
      fsStore.close();
    }
    await(vertx.close());
  }
}
