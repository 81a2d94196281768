package io.vidlog.server.auth;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.Principal;
import java.time.Clock;
import java.util.List;

/**
 * Authenticates a request by SigV4 and puts a {@link KeyPrincipal} in the routing context under
 * {@link Principal#CONTEXT_KEY}; failures go to the failure handler as NotAuthorizedException.
 *
 * <p>On JSON routes the body has been read (BodyHandler runs first), so the signed payload hash is
 * checked against SHA-256 of the body. On streaming routes ({@code /putMedia}) the body is an
 * endless MKV stream: the client signs {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD} (AWS's Java
 * PutMedia client, kvs-api.md §1.1), {@code UNSIGNED-PAYLOAD}, or the empty-body hash. There the
 * request is paused before the key lookup and handed on still paused: the route's handler must
 * {@code resume()} it or pipe it.
 */
public final class SigV4AuthHandler implements Handler<RoutingContext> {
  private final AccessKeyStore keys;
  private final SigV4Verifier verifier;
  private final Clock clock;
  private final boolean streaming;

  public SigV4AuthHandler(AccessKeyStore keys, SigV4Verifier verifier, Clock clock, boolean streaming) {
    this.keys = keys;
    this.verifier = verifier;
    this.clock = clock;
    this.streaming = streaming;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    RequestView view = view(req);
    QueryString query = QueryString.parse(req.query());
    SigV4Auth auth;
    List<String> payloadHashes;
    try {
      auth = SigV4Parser.parse(view, query);
      verifier.checkScopeAndTime(auth, clock.instant());
      payloadHashes = payloadHashes(view, auth, ctx.body());
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    if (streaming) {
      req.pause();
    }
    keys.find(auth.accessKeyId()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result() == null) {
        ctx.fail(KvsError.NOT_AUTHORIZED.exception("The security token included in the request is invalid"));
      } else if (!verifier.matches(view, auth, ar.result().secret(), payloadHashes)) {
        ctx.fail(SigV4Verifier.mismatch());
      } else {
        ctx.put(Principal.CONTEXT_KEY, new KeyPrincipal(ar.result().key()));
        ctx.next();
      }
    });
  }

  private List<String> payloadHashes(RequestView view, SigV4Auth auth, RequestBody body) {
    byte[] bytes = null;
    if (!streaming) {
      bytes = body == null || body.buffer() == null ? new byte[0] : body.buffer().getBytes();
    }
    return PayloadHashes.candidates(view.header("x-amz-content-sha256"), bytes, auth.presigned());
  }

  /** The request as the verifier reads it; {@code host} falls back to the HTTP/2 {@code :authority}. */
  public static RequestView view(HttpServerRequest req) {
    return new RequestView(req.method().name(), req.path(), req.query(), name -> {
      List<String> v = req.headers().getAll(name);
      if (v.isEmpty() && name.equals("host")) {
        HostAndPort a = req.authority();
        if (a != null) {
          return List.of(a.port() >= 0 ? a.host() + ":" + a.port() : a.host());
        }
      }
      return v;
    });
  }
}
