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
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.streams.RegistryConfig;
import io.vidlog.ingest.IngestApi;
import io.vidlog.ingest.IngestConfig;
import io.vidlog.playback.PlaybackApi;
import io.vidlog.playback.PlaybackConfig;
import io.vidlog.server.auth.AccessKeyStore;
import io.vidlog.server.auth.SigV4AuthHandler;
import io.vidlog.server.auth.SigV4Verifier;
import io.vidlog.server.config.ServerConfig;
import io.vidlog.server.control.ControlPlaneApi;
import io.vidlog.server.control.DataEndpoint;
import io.vidlog.server.http.ApiModule;
import io.vidlog.server.http.ConnectionGuard;
import io.vidlog.server.http.Listener;
import io.vidlog.server.http.RouteTable;
import io.vidlog.server.keys.AdminBootstrap;
import io.vidlog.server.ops.Health;
import io.vidlog.server.ops.HttpMetrics;
import io.vidlog.server.ops.MetricsEndpoint;
import io.vidlog.server.ops.StoreGauges;
import io.vidlog.server.tls.PemIdentity;
import io.vidlog.server.tls.SelfSignedCertificate;
import io.vidlog.server.tls.TlsSetup;
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

  private final Vertx vertx;
  private final ServerConfig config;
  private final StoreStack stores;
  private final FragmentStore fragments;
  private final Listener listener;
  private final StoreGauges gauges;
  private final AdminBootstrap.Result admin;
  private final AccessKeyStore keys;
  private final URI url;
  private final PlaybackApi playback;

  private VidlogServer(Vertx vertx, ServerConfig config, StoreStack stores, FragmentStore fragments, Listener listener,
      StoreGauges gauges, AdminBootstrap.Result admin, AccessKeyStore keys, URI url, PlaybackApi playback) {
    this.vertx = vertx;
    this.config = config;
    this.stores = stores;
    this.fragments = fragments;
    this.listener = listener;
    this.gauges = gauges;
    this.admin = admin;
    this.keys = keys;
    this.url = url;
    this.playback = playback;
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
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(false));
    try {
      return start(vertx, config, opener, tlsReady, t0);
    } catch (Exception | Error e) {
      vertx.close().await(5, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static VidlogServer start(Vertx vertx, ServerConfig config, StoreStack.Opener opener,
      CompletableFuture<KeyManagerFactory> tlsReady, long t0) throws Exception {
    StoreStack stores = opener.open(vertx, config).await();
    phase("stores", t0);
    FragmentStore fragments = openFragmentStore(vertx, config, stores);
    phase("fragment store", t0);
    var registry = fragments.registry();
    AccessKeyStore keys = new AccessKeyStore(stores.store(), stores.systemSealer());

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

    phase("metrics", t0);
    SigV4Verifier verifier = new SigV4Verifier();
    Clock clock = Clock.systemUTC();
    var handlers = new RouteTable.Handlers(new HttpMetrics(metrics, RouteTable.knownPaths())::start,
        new Health(vertx, stores.store(), VERSION)::handle, new MetricsEndpoint(metrics)::handle,
        config.security().metricsPublic(), new SigV4AuthHandler(keys, verifier, clock, false),
        new SigV4AuthHandler(keys, verifier, clock, true), MetricsEndpoint::requireAdmin);
    var limits = config.limits();

    List<ApiModule> modules = new ArrayList<>();
    modules.add(new ControlPlaneApi(registry, new DataEndpoint(config.http().publicUrl(), scheme)));
    // ingest and playback meet only in the fragment store (DESIGN.md): registry, archive, index, live feeds
    IngestApi ingest = new IngestApi(vertx, registry, fragments.archive(), fragments.index(), fragments.feeds(),
        fragments::numbersFor, ingestConfig(config));
    modules.add(ingest::mount);
    PlaybackApi playback = new PlaybackApi(registry, fragments.index(), fragments.archive(), fragments.feeds(),
        playbackConfig(config));
    modules.add(playback::mount);

    Router router = RouteTable.createRouter(vertx, handlers,
        new RouteTable.Limits(limits.maxJsonBody(), limits.maxHeaders(), limits.requestTimeout().toMillis()), modules);
    ConnectionGuard guard = new ConnectionGuard(vertx, limits.maxConnectionsPerIp(), limits.headerTimeout().toMillis());
    io.vertx.core.Future<Listener> listening = Listener.start(vertx, options, config.http().bind(),
        config.http().port(), router::handle, guard, Runtime.getRuntime().availableProcessors());
    // with a fixed port the URL is known before the listener is up: check or create the admin key
    // meanwhile (the URL is announced only when both are done)
    String adminEndpoint = endpoint(config, scheme, config.http().port());
    CompletableFuture<AdminBootstrap.Result> adminReady = config.http().port() == 0 ? null
        : CompletableFuture.supplyAsync(() -> AdminBootstrap.ensure(keys, config.dataDir(), config.http().region(),
            adminEndpoint));
    Listener listener = listening.await();
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

    URI url = URI.create(scheme + "://" + localHost(config.http().bind()) + ":" + listener.port());
    AdminBootstrap.Result admin = adminReady != null ? join(adminReady)
        : AdminBootstrap.ensure(keys, config.dataDir(), config.http().region(), endpoint(config, scheme, listener.port()));
    LOG.info("vidlog {} listening on {} (store {}, started in {} ms, {} ms after the JVM)", VERSION, url,
        stores.store().backend(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), sinceJvmStart());
    return new VidlogServer(vertx, config, stores, fragments, listener, gauges, admin, keys, url, playback);
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

  private static FragmentStore openFragmentStore(Vertx vertx, ServerConfig config, StoreStack stores) {
    var archive = SealedFragmentArchive.open(vertx, stores.store(), stores.crypto(),
        config.dataDir().resolve("spool")).await();
    var d = FragmentStoreConfig.DEFAULT;
    var registryConfig = new RegistryConfig(config.http().region(), d.registry().accountId(),
        d.registry().defaultKmsKeyId());
    // per-scope data keys: system for stream records, each stream's creation id for its index objects
    Sealers sealers = scope -> stores.crypto().keys(scope).map(k -> (ObjectSealer) k);
    return FragmentStore.open(vertx, stores.store(), sealers, archive,
        new FragmentStoreConfig(registryConfig, d.index(), d.live(), d.nodeId(), d.retentionSweepMillis(),
            d.indexFlushMillis())).await();
  }

  /** The endpoint written into the admin credentials: the public URL when configured. */
  private static String endpoint(ServerConfig config, String scheme, int port) {
    return config.http().publicUrl() != null ? config.http().publicUrl().toString()
        : scheme + "://" + localHost(config.http().bind()) + ":" + port;
  }

  /** Loads the TLS engine's native library and the certificate and key (generated on first start). */
  private static KeyManagerFactory prepareTls(ServerConfig config) {
    TlsSetup.bestEngine();
    Path[] pair = config.tls().selfSigned() ? SelfSignedCertificate.ensure(config.dataDir().resolve("tls"))
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
        .setIdleTimeout((int) l.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setSslHandshakeTimeout(l.headerTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
        .setCompressionSupported(false)
        .setHandle100ContinueAutomatically(true);
  }

  /** A host name a local client can use for the bind address. */
  private static String localHost(String bind) {
    if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]")) {
      return "localhost";
    }
    return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
  }

  public URI url() {
    return url;
  }

  public int port() {
    return listener.port();
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
      listener.shutdown(config.limits().shutdownTimeout()).await(
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
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("vert.x did not close cleanly: {}", e.toString());
    }
    LOG.info("stopped");
  }
}
