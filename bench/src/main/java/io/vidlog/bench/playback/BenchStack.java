package io.vidlog.bench.playback;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.Router;
import io.vidlog.bench.BenchRoutes;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.index.FragmentRecords;
import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.live.MemoryLiveFeeds;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.fragmentstore.streams.ObjectStoreStreamRegistry;
import io.vidlog.fragmentstore.streams.RegistryConfig;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.ingest.IngestApi;
import io.vidlog.ingest.IngestConfig;
import io.vidlog.playback.PlaybackApi;
import io.vidlog.playback.clip.ClipApi;
import io.vidlog.playback.clip.ClipConfig;
import io.vidlog.playback.images.ImagesApi;
import io.vidlog.playback.images.ImagesConfig;
import io.vidlog.playback.PlaybackConfig;
import io.vidlog.playback.hls.HlsApi;
import io.vidlog.playback.hls.SessionKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A vidlog data plane for benchmarks, wired as the server wires it: fs object store in a temp dir,
 * sealed fragment archive, durable time index, stream registry, in-memory live feeds, and the
 * ingest, playback, HLS, clip and images routes on one HTTP(S) server on a loopback ephemeral port
 * (no auth).
 */
final class BenchStack implements AutoCloseable {
  final Vertx vertx;
  final Path dir;
  final FsObjectStore objects;
  final SealedFragmentArchive archive;
  final ObjectStoreTimeIndex index;
  final ObjectStoreStreamRegistry registry;
  final MemoryLiveFeeds feeds;
  final MemoryArchive memory;
  /** The bare relay on the same server: the floor under live latency ({@code /relay/in}, {@code /relay/out}). */
  final LiveRelay relay = new LiveRelay();
  final HttpServer server;
  final int port;

  BenchStack(boolean tls, PlaybackConfig playback) throws Exception {
    this(tls, playback, false);
  }

  /** {@code memoryChunks}: playback reads chunks from {@link #memory} instead of the sealed archive (baseline). */
  BenchStack(boolean tls, PlaybackConfig playback, boolean memoryChunks) throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    dir = Files.createTempDirectory("vidlog-bench-playback");
    objects = new FsObjectStore(vertx, dir.resolve("objects"));
    Crypto crypto = await(() -> Crypto.open(vertx, objects, dir.resolve("keys")));
    await(crypto::warmUp);
    archive = await(() -> SealedFragmentArchive.open(vertx, objects, crypto, dir.resolve("spool")));
    index = new ObjectStoreTimeIndex(objects, await(() -> crypto.keys(SealContext.SYSTEM)), archive,
        IndexConfig.DEFAULT);
    registry = await(() -> crypto.keys(SealContext.SYSTEM).compose(sealer ->
        ObjectStoreStreamRegistry.open(vertx, objects, sealer, RegistryConfig.DEFAULT)));
    feeds = new MemoryLiveFeeds(vertx, LiveFeedConfig.DEFAULT);
    Router router = Router.router(vertx);
    FragmentNumbers numbers = new FragmentNumbers(0); // a fresh data dir: no index floor to raise
    BenchRoutes.mount(router, new IngestApi(vertx, registry, archive, index, feeds,
        stream -> Future.succeededFuture(numbers), IngestConfig.DEFAULT));
    memory = new MemoryArchive(archive);
    BenchRoutes.mount(router, new PlaybackApi(registry, index, memoryChunks ? memory : archive, feeds, playback));
    // HLS with a fixed session key; session URLs name this server
    int[] listening = new int[1];
    BenchRoutes.mount(router, new HlsApi(vertx, registry, index, memoryChunks ? memory : archive, feeds,
        SessionKeys.fixed("bench", new byte[32]), ctx -> (tls ? "https" : "http") + "://127.0.0.1:" + listening[0],
        System::currentTimeMillis));
    BenchRoutes.mount(router, new ClipApi(registry, index, memoryChunks ? memory : archive, ClipConfig.DEFAULTS,
        System::currentTimeMillis));
    BenchRoutes.mount(router, new ImagesApi(vertx, registry, index, memoryChunks ? memory : archive,
        ImagesConfig.DEFAULTS));
    relay.mount(router);
    router.route().failureHandler(ctx -> ctx.response().setStatusCode(500).end(String.valueOf(ctx.failure())));
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0);
    if (tls) {
      SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
      options.setSsl(true).setKeyCertOptions(cert.keyCertOptions()).setSslHandshakeTimeout(120)
          .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
    }
    server = await(() -> vertx.createHttpServer(options).requestHandler(router).listen());
    port = server.actualPort();
    listening[0] = port;
  }

  /** Runs {@code call} on an event loop of the stack and waits for it. */
  <T> T await(Supplier<Future<T>> call) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.runOnContext(v -> call.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    return result.get(120, TimeUnit.SECONDS);
  }

  StreamInfo createStream(String name, int retentionHours) throws Exception {
    return await(() -> registry.create(new StreamRegistry.CreateStreamRequest(name, null, "video/h264", null,
        retentionHours, null)));
  }

  /** Stores one chunk directly (what ingest does before PERSISTED), without going through /putMedia. */
  void persist(StreamInfo s, BenchMedia.Chunk c) throws Exception {
    await(() -> {
      FragmentArchive.ChunkWriter w = archive.begin(s, c.header().number());
      return w.write(c.mkv()).compose(v -> w.commit(c.header()))
          .compose(v -> index.append(s, FragmentRecords.fromHeader(c.header())));
    });
    memory.put(c);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    objects.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
