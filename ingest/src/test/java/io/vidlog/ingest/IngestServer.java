package io.vidlog.ingest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.live.MemoryLiveFeeds;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import io.vidlog.fragmentstore.testing.RecordingFeeds;
import io.vidlog.fragmentstore.testing.TestFailures;
import io.vidlog.fragmentstore.testing.TestStores;
import io.vidlog.kvs.http.TestRoutes;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A Vert.x HTTP server on an ephemeral loopback port with a Router, the IngestApi over the real
 * registry and time index ({@link TestStores}) and real live feeds that record what is published,
 * and the module tests' failure handler standing in for the server's.
 */
final class IngestServer implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  /** Registry, index and archive: in memory, or the durable stores under a data dir. */
  final TestStores stores;
  final Streams streams = new Streams();
  final RecordingFeeds feeds = new RecordingFeeds(new MemoryLiveFeeds(vertx, LiveFeedConfig.DEFAULT));
  final IngestApi api;
  private final HttpServer server;

  /** The streams of this server, in the real registry. */
  final class Streams {
    StreamInfo add(String name, int retentionHours) throws Exception {
      return stores.createStream(name, retentionHours);
    }

    /** DeleteStream: ingest hears of it as the server's would. */
    void remove(String name) throws Exception {
      stores.deleteStream(name);
    }
  }

  /** In memory: the MemoryArchive ({@link #archive()}), whose commits a test can hold or fail. */
  IngestServer(IngestConfig config) throws Exception {
    this(config, null);
  }

  /** With {@code dataDir}: the product's stores there (fs objects, keyring, sealed chunks), see {@link TestStores#onDisk}. */
  IngestServer(IngestConfig config, Path dataDir) throws Exception {
    this(config, dataDir, System::nanoTime);
  }

  /** {@code nanoClock} times the call rate, the takeover rule and the idle timer (a test moves it by hand). */
  IngestServer(IngestConfig config, Path dataDir, LongSupplier nanoClock) throws Exception {
    stores = dataDir == null ? TestStores.inMemory(vertx) : TestStores.onDisk(vertx, dataDir);
    // as the server's (FragmentStore.numbersFor): numbers above the stream's indexed ones
    FragmentNumbers numbers = new FragmentNumbers(1);
    FragmentNumberSource minter = stream -> stores.index.latest(stream).map(latest -> {
      numbers.floor(stream.streamId(), latest == null ? null : latest.number());
      return numbers;
    });
    IngestBuffers buffers = new IngestBuffers(config.buffers());
    api = new IngestApi(vertx, stores.registry, stores.archive, stores.index, feeds, minter, config, buffers,
        BodyParsers.mkv(config, buffers), BodyParsers.mp4(vertx, config, buffers), nanoClock);
    Router router = Router.router(vertx);
    TestRoutes.mount(router, api);
    router.route().failureHandler(TestFailures::handle);
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  /** The in-memory archive (a server made without a data dir). */
  MemoryArchive archive() {
    return stores.memoryArchive();
  }

  /** The stored chunks of a stream in fragment order, read back (and decrypted) from the archive in use. */
  List<MemoryArchive.Stored> stored(StreamInfo stream) throws Exception {
    return stores.chunks(stream);
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
    stores.close();
    await(vertx.close());
  }
}
