package io.vidlog.playback.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vidlog.kvs.Principal;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.live.MemoryLiveFeeds;
import io.vidlog.fragmentstore.testing.RecordingFeeds;
import io.vidlog.fragmentstore.testing.TestFailures;
import io.vidlog.fragmentstore.testing.TestStores;
import io.vidlog.kvs.http.TestRoutes;
import io.vidlog.playback.PlaybackApi;
import io.vidlog.playback.PlaybackConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;

/**
 * A plain-HTTP loopback server with the playback routes over vidlog's real stores
 * ({@link TestStores#onDisk} in a temp dir: fs objects, sealed chunks, the real index and registry)
 * and real in-memory live feeds that a test can watch ({@link RecordingFeeds}), a minimal failure handler shaped like the server's
 * (x-amzn-ErrorType + {"__type","Message"}), and AWS SDK v2 clients pointed at it.
 */
public final class TestServer implements AutoCloseable {
  public final Vertx vertx;
  public final TestStores store;
  public final RecordingFeeds feeds;
  public final PlaybackApi api;
  private final Path dir;
  private final HttpServer server;
  private final Router router;
  private final Principal principal;
  public final int port;
  /** When set, requests carry a principal that allows what this predicate allows (action, stream). */
  public volatile BiPredicate<String, String> policy;

  public TestServer(PlaybackConfig config, long fixedClockMillis) throws Exception {
    this(config, fixedClockMillis, LiveFeedConfig.DEFAULT);
  }

  /** {@code fixedClockMillis} < 0: the real clock for MILLIS_BEHIND_NOW. */
  public TestServer(PlaybackConfig config, long fixedClockMillis, LiveFeedConfig live) throws Exception {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("vidlog-playback-it");
    store = TestStores.onDisk(vertx, dir);
    feeds = new RecordingFeeds(new MemoryLiveFeeds(vertx, live));
    api = fixedClockMillis < 0
        ? new PlaybackApi(store.registry, store.index, store.archive, feeds, config)
        : new PlaybackApi(store.registry, store.index, store.archive, feeds, config, () -> fixedClockMillis);
    router = Router.router(vertx);
    principal = new Principal() {
      @Override
      public String id() {
        return "test";
      }

      @Override
      public boolean allows(String action, String streamName) {
        // read per request: tests change the policy while the server runs. A policy names streams;
        // the route table's check without one asks whether any stream is allowed.
        BiPredicate<String, String> p = policy;
        return p == null || streamName == null || p.test(action, streamName);
      }
    };
    TestRoutes.mount(router, api, principal);
    router.route().failureHandler(TestFailures::handle);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  /** Mounts another module's routes (clips, images) beside the playback routes, with the same caller. */
  public void mount(ApiModule module) {
    TestRoutes.mount(router, module, principal);
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public KinesisVideoMediaClient mediaClient() {
    return KinesisVideoMediaClient.builder()
        .endpointOverride(uri())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.builder().build())
        .build();
  }

  public KinesisVideoArchivedMediaClient archivedClient() {
    return KinesisVideoArchivedMediaClient.builder()
        .endpointOverride(uri())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.builder().build())
        .build();
  }

  @Override
  public void close() throws Exception {
    store.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
