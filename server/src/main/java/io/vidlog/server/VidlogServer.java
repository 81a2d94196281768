package io.vidlog.server;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vidlog.fragmentstore.FragmentStore;
import io.vidlog.fragmentstore.FragmentStoreConfig;
import io.vidlog.fragmentstore.Sealers;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.streams.RegistryConfig;
import io.vidlog.ingest.IngestApi;
import io.vidlog.ingest.IngestConfig;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.playback.PlaybackApi;
import io.vidlog.playback.clip.ClipApi;
import io.vidlog.playback.clip.ClipConfig;
import io.vidlog.playback.images.ImagesApi;
import io.vidlog.playback.images.ImagesConfig;
import io.vidlog.playback.hls.DashApi;
import io.vidlog.playback.hls.HlsApi;
import io.vidlog.playback.hls.SessionKeys;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.server.auth.AccessKeyStore;
import io.vidlog.kvs.sigv4.SigV4Verifier;
import io.vidlog.playback.PlaybackConfig;
import io.vidlog.server.auth.GenerationFloor;
import io.vidlog.server.auth.RequestAuthenticator;
import io.vidlog.server.auth.SigV4Authenticator;
import io.vidlog.server.auth.WebSessionApi;
import io.vidlog.server.auth.WebSessions;
import io.vidlog.server.cluster.ClusterHealth;
import io.vidlog.server.cluster.ClusterNode;
import io.vidlog.server.cluster.ClusterWiring;
import io.vidlog.server.cluster.HazelcastCluster;
import io.vidlog.server.config.ServerConfig;
import io.vidlog.server.control.ControlPlaneApi;
import io.vidlog.server.control.DataEndpoint;
import io.vidlog.server.http.AccessLog;
import io.vidlog.server.http.ConnectionGuard;
import io.vidlog.server.http.Listener;
import io.vidlog.server.http.RouteTable;
import io.vidlog.server.keys.AdminBootstrap;
import io.vidlog.server.ops.Health;
import io.vidlog.server.ops.HttpMetrics;
import io.vidlog.server.ops.IngestMetrics;
import io.vidlog.server.ops.IndexMetrics;
import io.vidlog.server.ops.MetricsEndpoint;
import io.vidlog.server.ops.OpsApi;
import io.vidlog.server.ops.StoreGauges;
import io.vidlog.server.tls.PemIdentity;
import io.vidlog.server.tls.SelfSignedCertificate;
import io.vidlog.server.tls.TlsSetup;
import io.vidlog.server.web.WebPlayerApi;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server, wired with plain {@code new} in dependency order: Vert.x, object store and
 * sealer, stream registry, access keys (admin key on first start), TLS, route table, listener.
 * {@link #start} blocks until the port is open; {@link #stop} is the graceful SIGTERM path.
 */
public final class VidlogServer {
  private static final Logger LOG = LoggerFactory.getLogger(VidlogServer.class);
  public static final String VERSION = "0.1.0-SNAPSHOT";
  private static final long WARM_UP_DELAY_MS = 3_000;
  /** A session token signed with a data key this node does not know reloads the keys at most this often. */
  private static final long SESSION_KEY_RELOAD_MS = 10_000;

  private final Vertx vertx;
  /** This node's cluster membership, null without {@code --cluster}. */
  private final ClusterNode cluster;
  private final ServerConfig config;
  private final StoreStack stores;
  private final FragmentStore fragments;
  private final Listener listener;
  private final Listener ingestListener;
  private final StoreGauges gauges;
  private final AdminBootstrap.Result admin;
  private final AccessKeyStore keys;
  private final URI url;
  private final URI ingestUrl;
  private final PlaybackApi playback;
  private final Router router;
  private final List<ApiRoute> declared;

  /** The listeners' bound ports (GetDataEndpoint reads them). */
  private static final class Ports {
    volatile int main;
    volatile int ingest;

    int main() {
      return main;
    }

    int ingest() {
      return ingest;
    }
  }

  private VidlogServer(Vertx vertx, ClusterNode cluster, ServerConfig config, StoreStack stores, FragmentStore fragments, Listener listener,
      Listener ingestListener, StoreGauges gauges, AdminBootstrap.Result admin, AccessKeyStore keys, URI url,
      URI ingestUrl, PlaybackApi playback, Router router, List<ApiRoute> declared) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.config = config;
    this.stores = stores;
    this.fragments = fragments;
    this.listener = listener;
    this.ingestListener = ingestListener;
    this.gauges = gauges;
    this.admin = admin;
    this.keys = keys;
    this.url = url;
    this.ingestUrl = ingestUrl;
    this.playback = playback;
    this.router = router;
    this.declared = declared;
  }

  /** Starts the server; blocking, so call it from a launcher or test thread, never an event loop. */
  public static VidlogServer start(ServerConfig config, StoreStack.Opener opener) throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(config.dataDir());
    // Start-up overlap: loading the OpenSSL native library and reading (on first start, making) the
    // certificate take about half a second and need neither Vert.x nor the stores, so they run on
    // another thread meanwhile.
    CompletableFuture<KeyManagerFactory> tlsReady = config.http().insecureHttp() ? null
        : CompletableFuture.supplyAsync(() -> prepareTls(config));
    VertxOptions vertxOptions = new VertxOptions().setPreferNativeTransport(false);
    // cluster mode: Vert.x is clustered over Hazelcast, which is touched nowhere else (docs/cluster.md)
    ClusterNode cluster = config.clustered() ? HazelcastCluster.join(config.cluster(), vertxOptions) : null;
    Vertx vertx = cluster != null ? cluster.vertx() : Vertx.vertx(vertxOptions);
    try {
      return start(vertx, cluster, config, opener, tlsReady, t0);
    } catch (Exception | Error e) {
      (cluster != null ? cluster.close() : vertx.close()).await(5, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static VidlogServer start(Vertx vertx, ClusterNode cluster, ServerConfig config, StoreStack.Opener opener,
      CompletableFuture<KeyManagerFactory> tlsReady, long t0) throws Exception {
    StoreStack stores = opener.open(vertx, config).await();
    phase("stores", t0);
    FragmentStore fragments = openFragmentStore(vertx, config, stores,
        cluster == null ? FragmentStoreConfig.DEFAULT.nodeId() : cluster.nodeNumber());
    phase("fragment store", t0);
    if (cluster != null) {
      cluster.onRenumbered(fragments.numbers()::renumber);
    }
    var registry = fragments.registry();
    // the key-set generation this node has seen is written off the event loops, when it grows
    AccessKeyStore keys = new AccessKeyStore(stores.store(), stores.systemSealer(), GenerationFloor.inDataDir(
        config.dataDir(), write -> vertx.executeBlocking(() -> {
          write.run();
          return null;
        }, false)));

    HttpServerOptions options = httpOptions(config);
    String scheme = "https";
    if (config.http().insecureHttp()) {
      scheme = "http";
      LOG.warn("--insecure-http: serving plain HTTP; signatures, keys and media travel unencrypted");
    } else {
      KeyManagerFactory identity = join(tlsReady);
      phase("certificate", t0);
      TlsSetup.Engine engine = TlsSetup.apply(options, identity);
      LOG.info("TLS engine: {}", engine);
    }

    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    StoreGauges gauges = new StoreGauges(metrics, stores.store());
    IndexMetrics.bind(metrics, fragments.index());

    phase("metrics", t0);
    Clock clock = Clock.systemUTC();
    var limits = config.limits();

    // a fixed port is known now; a free one (port 0) once its listener is up
    Ports ports = new Ports();
    ports.main = config.http().port();
    ports.ingest = config.http().ingestPort();
    List<ApiModule> modules = new ArrayList<>();
    modules.add(new OpsApi(new Health(vertx, stores.store(), VERSION,
        cluster == null ? null : () -> ClusterHealth.of(cluster)), new MetricsEndpoint(metrics),
        config.security().metricsPublic()));
    DataEndpoint endpoints = new DataEndpoint(config.http().publicUrl(), config.http().publicIngestUrl(), scheme,
        ports::main, config.http().ingestListener() ? ports::ingest : null);
    modules.add(cluster == null ? new ControlPlaneApi(registry, endpoints)
        : new ControlPlaneApi(registry, endpoints, cluster.owners()::endpoint));
    // ingest and playback meet only in the fragment store (docs/architecture.md §Modules and data flow): registry, archive, index, live feeds
    // in a cluster, ingest is fenced by stream ownership and readers' live feeds are fed from the owner's node
    ClusterWiring.Wired wired = cluster == null ? null
        : ClusterWiring.wire(cluster, vertx, fragments, ingestConfig(config));
    IngestApi ingest = wired != null ? wired.ingest()
        : new IngestApi(vertx, registry, fragments.archive(), fragments.index(), fragments.feeds(),
            fragments::numbersFor, ingestConfig(config));
    LiveFeeds readerFeeds = wired != null ? wired.readerFeeds() : fragments.feeds();
    if (wired != null) {
      wired.metrics().bindTo(metrics);
    }
    ingest.onPersisted(IngestMetrics.persistTimer(metrics));
    modules.add(ingest);
    PlaybackApi playback = new PlaybackApi(registry, fragments.index(), fragments.archive(), readerFeeds,
        playbackConfig(config));
    modules.add(playback);
    modules.add(new ClipApi(registry, fragments.index(), fragments.archive(), clipConfig(config),
        System::currentTimeMillis));
    modules.add(new ImagesApi(vertx, registry, fragments.index(), fragments.archive(), ImagesConfig.DEFAULTS));
    // session tokens are signed with keys derived from the system data keys, which every node of the store shares
    SessionKeys sessionKeys = SessionKeys.of(() -> stores.crypto().keys(SealContext.SYSTEM),
        () -> stores.crypto().forget(SealContext.SYSTEM), System::currentTimeMillis, SESSION_KEY_RELOAD_MS);
    HlsApi hls = new HlsApi(vertx, registry, fragments.index(), fragments.archive(), readerFeeds, sessionKeys,
        ctx -> endpoints.of(ctx, "GET_HLS_STREAMING_SESSION_URL"), System::currentTimeMillis,
        config.limits().hlsPartTargetMillis());
    modules.add(hls);
    // DASH sessions are HLS sessions with a manifest: the same tokens, timelines and segments
    modules.add(new DashApi(hls));

    // the web player: its files, and sign-in with an access key for a session cookie that the route
    // table's authenticator accepts on the routes the page calls
    WebSessions webSessions = new WebSessions(keys, stores.store(), stores.systemSealer(),
        new WebSessions.Lifetimes(config.security().webSessionIdle(), config.security().webSessionMax()), clock::millis);
    modules.add(new WebSessionApi(webSessions, clock::millis));
    modules.add(new WebPlayerApi());

    var global = new RouteTable.Global(AccessLog::handle,
        new HttpMetrics(metrics, RouteTable.paths(modules))::start);
    var authenticator = new RequestAuthenticator(new SigV4Authenticator(keys, new SigV4Verifier(), clock), webSessions,
        clock::millis);
    Router router = RouteTable.createRouter(vertx, authenticator, global,
        new RouteTable.Limits(limits.maxJsonBody(), limits.maxHeaders(), limits.requestTimeout().toMillis(),
            limits.bodyTimeout().toMillis()), modules);
    // one guard for both listeners: the connection caps count every connection of the server
    ConnectionGuard guard = new ConnectionGuard(vertx, limits.maxConnections(), limits.maxConnectionsPerIp(),
        limits.headerTimeout().toMillis());
    int instances = Runtime.getRuntime().availableProcessors();
    io.vertx.core.Future<Listener> listening = Listener.start(vertx, options, config.http().bind(),
        config.http().port(), router::handle, guard, instances);
    // the same routes and protections, but HTTP/1.1 only: GetDataEndpoint(PUT_MEDIA) points here. Started
    // once the main listener is up: started together they contend for the same cores (TLS contexts,
    // verticle deployment) and /health, the readiness signal, came about 0.2 s later
    io.vertx.core.Future<Listener> ingestListening = config.http().ingestListener()
        ? listening.compose(main -> Listener.start(vertx, TlsSetup.http11Only(options), config.http().bind(),
            config.http().ingestPort(), router::handle, guard, instances))
        : io.vertx.core.Future.succeededFuture(null);
    // with a fixed port the URL is known before the listener is up: check or create the admin key
    // meanwhile (the URL is announced only when both are done)
    String adminEndpoint = config.http().endpoint(config.http().port());
    CompletableFuture<AdminBootstrap.Result> adminReady = config.http().port() == 0 ? null
        : CompletableFuture.supplyAsync(() -> {
          AdminBootstrap.Result r = AdminBootstrap.ensure(keys, config.dataDir(), config.http().region(), adminEndpoint);
          phase("admin key checked", t0);
          return r;
        });
    // on failure the caller closes Vert.x, and with it a listener that did start
    Listener listener = listening.await();
    phase("main listener", t0);
    Listener ingestListener = ingestListening.await();
    ports.main = listener.port();
    ports.ingest = ingestListener == null ? -1 : ingestListener.port();
    phase("listener", t0);
    gauges.start(vertx, 15_000);
    // the JVM binders load the platform MXBeans (about 0.1 s): bound once the port is open
    vertx.executeBlocking(() -> {
      new JvmMemoryMetrics().bindTo(metrics);
      new JvmThreadMetrics().bindTo(metrics);
      new ProcessorMetrics().bindTo(metrics);
      new UptimeMetrics().bindTo(metrics);
      return null;
    }, false);
    // compile the AES-GCM intrinsics before the first fragment; a few seconds later, so the JIT work
    // (about a second of CPU) does not compete with start-up and the first requests
    vertx.setTimer(WARM_UP_DELAY_MS, t -> stores.crypto().warmUp());

    URI url = URI.create(scheme + "://" + config.http().localHost() + ":" + listener.port());
    URI ingestUrl = ingestListener == null ? null
        : URI.create(scheme + "://" + config.http().localHost() + ":" + ingestListener.port());
    if (cluster != null) {
      // GetDataEndpoint on the other nodes sends clients here with these
      cluster.advertise(ClusterHealth.mainUrl(config, listener.port()),
          ClusterHealth.ingestUrl(config, ingestListener == null ? -1 : ingestListener.port()))
          .await(30, TimeUnit.SECONDS);
      phase("cluster", t0);
    }
    AdminBootstrap.Result admin = adminReady != null ? join(adminReady)
        : AdminBootstrap.ensure(keys, config.dataDir(), config.http().region(), config.http().endpoint(listener.port()));
    phase("admin key", t0);
    LOG.info("vidlog {} listening on {}{} (store {}, started in {} ms, {} ms after the JVM)", VERSION, url,
        ingestUrl == null ? "" : ", PutMedia over HTTP/1.1 on " + ingestUrl, stores.store().backend(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), sinceJvmStart());
    List<ApiRoute> declared = modules.stream().flatMap(m -> m.routes().stream()).toList();
    return new VidlogServer(vertx, cluster, config, stores, fragments, listener, ingestListener, gauges, admin, keys,
        url, ingestUrl, playback, router, declared);
  }

  /**
   * Progressive MP4 uploads spool under the data dir (not /tmp, often RAM-backed), up to the
   * configured size; ingest makes the directory and clears what a killed process left there.
   */
  static IngestConfig ingestConfig(ServerConfig config) {
    return IngestConfig.DEFAULT.withMp4Spool(config.limits().maxMp4Upload(),
        config.dataDir().resolve("spool").resolve("uploads"));
  }

  /**
   * A live GetMedia reader waiting at an idle stream ends cleanly (with its continuation token)
   * well before the listener's idle timeout would cut the connection mid-response.
   */
  static PlaybackConfig playbackConfig(ServerConfig config) {
    var d = PlaybackConfig.DEFAULTS;
    java.time.Duration half = config.limits().idleTimeout().dividedBy(2);
    return half.compareTo(d.liveIdleEnd()) < 0 ? d.withLiveIdleEnd(half) : d;
  }

  /** GetClip's limits: KVS's by default, the operator's when set (docs/wire-protocol.md §6). */
  static ClipConfig clipConfig(ServerConfig config) {
    return ClipConfig.DEFAULTS.withMaxBytes(config.limits().clipMaxBytes())
        .withMaxFragments(config.limits().clipMaxFragments());
  }

  private static FragmentStore openFragmentStore(Vertx vertx, ServerConfig config, StoreStack stores, int nodeId) {
    var archive = SealedFragmentArchive.open(vertx, stores.store(), stores.crypto(),
        config.dataDir().resolve("spool")).await();
    var d = FragmentStoreConfig.DEFAULT;
    var registryConfig = new RegistryConfig(config.http().region(), d.registry().accountId(),
        d.registry().defaultKmsKeyId());
    // per-scope data keys: system for stream records, each stream's creation id for its index objects
    Sealers sealers = scope -> stores.crypto().keys(scope).map(k -> (ObjectSealer) k);
    return FragmentStore.open(vertx, stores.store(), sealers, archive,
        new FragmentStoreConfig(registryConfig, d.index().withCacheBytes(config.limits().indexCache()), d.live(),
            nodeId, d.retentionSweepMillis(), d.indexFlushMillis())).await();
  }

  /** Loads the TLS engine's native library and the certificate and key (generated on first start). */
  private static KeyManagerFactory prepareTls(ServerConfig config) {
    TlsSetup.bestEngine();
    java.util.List<String> hosts = new java.util.ArrayList<>(java.util.List.of(config.http().bind()));
    if (config.http().publicUrl() != null) {
      hosts.add(config.http().publicUrl().getHost());
    }
    Path[] pair = config.tls().selfSigned() ? SelfSignedCertificate.ensure(config.dataDir().resolve("tls"), hosts)
        : new Path[] {config.tls().certFile(), config.tls().keyFile()};
    return PemIdentity.load(pair[0], pair[1]);
  }

  private static <T> T join(CompletableFuture<T> future) throws Exception {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Milliseconds since the JVM process started: what an operator waits from {@code java -jar}. */
  private static long sinceJvmStart() {
    // the JVM's own clock: /proc's process start time is only as precise as the boot time (1 s)
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
  }

  private static void phase(String what, long t0) {
    LOG.debug("start-up: {} ready at {} ms", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  static HttpServerOptions httpOptions(ServerConfig config) {
    var l = config.limits();
    return new HttpServerOptions()
        .setMaxHeaderSize(l.maxHeaderSize())
        .setMaxInitialLineLength(l.maxInitialLine())
        .setMaxChunkSize(IngestApi.BODY_PIECE_BYTES)
        .setIdleTimeout((int) l.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setSslHandshakeTimeout(l.headerTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
        .setCompressionSupported(false)
        .setHandle100ContinueAutomatically(true);
  }

  /** The routes the router holds, as Vert.x sees them (the route table's own handlers included). */
  public List<io.vertx.ext.web.Route> mountedRoutes() {
    return router.getRoutes();
  }

  /** Every route declaration the route table was built from. */
  public List<ApiRoute> declaredRoutes() {
    return declared;
  }

  public URI url() {
    return url;
  }

  public int port() {
    return listener.port();
  }

  /** The HTTP/1.1-only listener's URL (what GetDataEndpoint answers for PUT_MEDIA), or null when it is off. */
  public URI ingestUrl() {
    return ingestUrl;
  }

  public AdminBootstrap.Result admin() {
    return admin;
  }

  public AccessKeyStore accessKeys() {
    return keys;
  }

  /** Registry, index, live feeds and archive: what ingest and playback are built on. */
  public FragmentStore fragments() {
    return fragments;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** This node's cluster membership, or null when it runs alone (no {@code --cluster}). */
  public ClusterNode cluster() {
    return cluster;
  }

  public ServerConfig config() {
    return config;
  }

  /** Stops accepting, lets in-flight requests finish (bounded by the shutdown timeout), closes the stores. */
  public void stop() {
    LOG.info("shutting down: no new connections; waiting up to {} for in-flight requests",
        config.limits().shutdownTimeout());
    // live GetMedia readers would otherwise hold the grace period open: they end after the fragment
    // in progress, which in-flight PutMedia requests still finish
    playback.drain();
    try {
      io.vertx.core.Future<Void> ingestDone = ingestListener == null ? io.vertx.core.Future.succeededFuture()
          : ingestListener.shutdown(config.limits().shutdownTimeout());
      io.vertx.core.Future.join(listener.shutdown(config.limits().shutdownTimeout()), ingestDone).await(
          config.limits().shutdownTimeout().toMillis() + 2_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("graceful shutdown did not complete: {}", e.toString());
    }
    gauges.stop(vertx);
    try {
      // cuts off live subscribers and writes partial index segments
      fragments.shutdown().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("flushing the fragment store did not complete: {}", e.toString());
    }
    stores.store().close();
    try {
      // leaving the cluster closes Vert.x too
      (cluster != null ? cluster.close() : vertx.close()).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("vert.x did not close cleanly: {}", e.toString());
    }
    LOG.info("stopped");
  }
}
