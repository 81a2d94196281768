package io.vidlog.bench.tls;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vidlog.server.tls.SelfSignedCertificate;
import io.vidlog.server.tls.TlsSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One-connection HTTPS upload throughput on loopback, the way a camera pushes PutMedia: a chunked
 * HTTP/1.1 POST of {@value #UPLOAD_MB} MB in 64 KB writes (honouring back-pressure) to a Vert.x
 * server that discards the body, with the server's TLS engine {@code OPENSSL}
 * (netty-tcnative-boringssl-static) or {@code JDK}; TLS 1.3, the server's own self-signed EC P-256
 * certificate. The score is MB/s (one operation = 1 MB).
 *
 * <pre>java -jar bench/target/benchmarks.jar TlsUploadBench -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TlsUploadBench {
  static final int UPLOAD_MB = 64;
  static final int CHUNK = 64 * 1024;

  @Param({"OPENSSL", "JDK"})
  public String engine;

  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;
  private Buffer chunk;
  private Path dir;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    TlsSetup.Engine e = TlsSetup.Engine.valueOf(engine);
    if (e == TlsSetup.Engine.OPENSSL && TlsSetup.bestEngine() != TlsSetup.Engine.OPENSSL) {
      throw new IllegalStateException("the OpenSSL engine does not load on this machine");
    }
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("tls-bench");
    Path[] pem = SelfSignedCertificate.ensure(dir);
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0);
    TlsSetup.apply(options, pem[0], pem[1]);
    options.setSslEngineOptions(TlsSetup.engineOptions(e)).setUseAlpn(false);
    server = vertx.createHttpServer(options).requestHandler(req -> {
      req.handler(b -> { }); // discard
      req.endHandler(v -> req.response().end());
    }).listen().await();
    client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setSslEngineOptions(TlsSetup.engineOptions(e)).setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
    byte[] bytes = new byte[CHUNK];
    new java.util.Random(1).nextBytes(bytes);
    chunk = Buffer.buffer(bytes);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    vertx.close().await();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  @Benchmark
  @OperationsPerInvocation(UPLOAD_MB)
  public int upload() {
    return uploadOnce().await();
  }

  private Future<Integer> uploadOnce() {
    return client.request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/putMedia").compose(req -> {
      req.setChunked(true);
      Promise<Void> written = Promise.promise();
      write(req, (long) UPLOAD_MB * 1024 * 1024 / CHUNK, written);
      return written.future().compose(v -> req.end()).compose(v -> req.response()).map(r -> r.statusCode());
    });
  }

  /** Writes {@code remaining} chunks, waiting on the drain handler whenever the write queue is full. */
  private void write(HttpClientRequest req, long remaining, Promise<Void> done) {
    long left = remaining;
    while (left > 0 && !req.writeQueueFull()) {
      req.write(chunk.copy());
      left--;
    }
    if (left == 0) {
      done.complete();
      return;
    }
    long rest = left;
    req.drainHandler(v -> write(req, rest, done));
  }
}
