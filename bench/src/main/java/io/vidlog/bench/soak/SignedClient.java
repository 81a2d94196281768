package io.vidlog.bench.soak;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vidlog.kvs.sigv4.SigV4;
import io.vidlog.kvs.sigv4.SigV4Signer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * SigV4-signed requests (header form, service {@code kinesisvideo}) to the server with the admin
 * key, over TLS with the server's self-signed certificate trusted, as a KVS client configured with
 * {@code endpointOverride} sends them. One connection per request (no keep-alive), so every call
 * is a new connection, as the hostile readers' reconnect loops mean it.
 */
final class SignedClient {
  final Vertx vertx;
  final HttpClient http;
  private final URI base;
  private final String accessKey;
  private final String secret;
  private final SigV4Signer signer;

  /** {@code receiveBuffer} is each connection's SO_RCVBUF in bytes (0: the system's, which grows as the reader reads). */
  SignedClient(Vertx vertx, URI base, String region, String accessKey, String secret, int receiveBuffer) {
    this.vertx = vertx;
    this.base = base;
    this.accessKey = accessKey;
    this.secret = secret;
    this.signer = new SigV4Signer(region, SigV4.SERVICE);
    this.http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setKeepAlive(false).setIdleTimeout(0).setReceiveBufferSize(receiveBuffer > 0 ? receiveBuffer : -1),
        new PoolOptions().setHttp1MaxSize(5000));
  }

  /** The signed headers of a PutMedia request for {@code stream} to {@code target} (payload streamed unsigned). */
  Map<String, String> putMediaHeaders(URI target, String stream) {
    return signer.sign("POST", "/putMedia", null, Map.of("host", authority(target), "x-amzn-stream-name", stream,
        "x-amzn-fragment-timecode-type", "RELATIVE"), SigV4.UNSIGNED_PAYLOAD, accessKey, secret, null, Instant.now());
  }

  /** POSTs {@code body} to {@code path}; the response as it arrives (status unchecked, body not read). */
  Future<HttpClientResponse> post(String path, JsonObject body) {
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = signer.sign("POST", path, null, Map.of("host", authority(base), "content-type",
        "application/json"), SigV4.sha256Hex(bytes), accessKey, secret, null, Instant.now());
    return send(HttpMethod.POST, path, headers, Buffer.buffer(bytes));
  }

  private Future<HttpClientResponse> send(HttpMethod method, String path, Map<String, String> headers, Buffer body) {
    return http.request(new RequestOptions().setMethod(method).setHost(base.getHost()).setPort(base.getPort())
        .setURI(path)).compose(req -> {
          headers.forEach((k, v) -> {
            if (!k.equals("host")) { // Vert.x sends the host:port it connects to, which is what was signed
              req.putHeader(k, v);
            }
          });
          return body == null ? req.send() : req.send(body);
        });
  }

  /** POSTs {@code body} to a JSON API; fails unless it answers 200. */
  Future<JsonObject> call(String path, JsonObject body) {
    return post(path, body).compose(resp -> resp.body().compose(b -> resp.statusCode() == 200
        ? Future.succeededFuture(b.length() == 0 ? new JsonObject() : b.toJsonObject())
        : Future.failedFuture(path + " answered " + resp.statusCode() + ": " + b)));
  }

  /** {@code GET /metrics} (signed with the admin key, as the endpoint requires by default). */
  Future<String> metrics() {
    Map<String, String> headers = signer.sign("GET", "/metrics", null, Map.of("host", authority(base)),
        SigV4.EMPTY_SHA256, accessKey, secret, null, Instant.now());
    return send(HttpMethod.GET, "/metrics", headers, null).compose(resp -> resp.body().compose(b -> resp.statusCode() == 200 ? Future.succeededFuture(b.toString())
            : Future.failedFuture("/metrics answered " + resp.statusCode())));
  }

  static String authority(URI u) {
    return u.getHost() + ":" + u.getPort();
  }
}
