package io.vidlog.server.auth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsException;
import io.vidlog.kvs.Principal;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.kvs.http.Caller;
import io.vidlog.kvs.http.RouteMounter;
import io.vidlog.kvs.sigv4.PayloadHashes;
import io.vidlog.kvs.sigv4.QueryString;
import io.vidlog.kvs.sigv4.RequestView;
import io.vidlog.kvs.sigv4.SigV4Auth;
import io.vidlog.kvs.sigv4.SigV4Parser;
import io.vidlog.kvs.sigv4.SigV4Verifier;
import io.vidlog.kvs.sigv4.SignedHeaders;
import java.time.Clock;
import java.util.List;

/**
 * Authenticates requests by AWS Signature V4 against the access keys, for the route table: the
 * one place a SIGNED or ADMIN route learns who is calling.
 *
 * <p>What the signature must cover: every {@code x-amz-*} / {@code x-amzn-*} header and
 * {@code content-type} the request carries ({@link SignedHeaders}), so a captured signature cannot be
 * replayed with another stream name or timecode type; and the body. A JSON route's body has been read,
 * so the signed payload hash must be SHA-256 of it — also for presigned URLs, which therefore bind
 * their body. Only a STREAM route (PutMedia's endless MKV) may sign a placeholder instead:
 * {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD} (AWS's Java PutMedia client, docs/wire-protocol.md §1.1)
 * or {@code UNSIGNED-PAYLOAD}.
 *
 * <p>Why a request was refused (malformed, clock skew, unknown key, wrong signature) is the
 * operator's to know, not the caller's: the failure carries one message for every case, and the
 * reason travels as its cause for the server's log ({@link AuthRefusal}). An unknown key and a wrong
 * signature look the same from outside, so key ids cannot be probed.
 */
public final class SigV4Authenticator implements RouteMounter.Authenticator {
  private final AccessKeyStore keys;
  private final SigV4Verifier verifier;
  private final Clock clock;

  public SigV4Authenticator(AccessKeyStore keys, SigV4Verifier verifier, Clock clock) {
    this.keys = keys;
    this.verifier = verifier;
    this.clock = clock;
  }

  @Override
  public Future<Principal> authenticate(RoutingContext ctx, ApiRoute route) {
    HttpServerRequest req = ctx.request();
    RequestView view = view(req);
    SigV4Auth auth;
    List<String> payloadHashes;
    try {
      auth = SigV4Parser.parse(view, QueryString.parse(req.query()));
      Caller.noteKeyId(ctx, auth.accessKeyId());
      verifier.checkScopeAndTime(auth, clock.instant());
      SignedHeaders.requireCovered(view, auth);
      payloadHashes = PayloadHashes.candidates(view.header("x-amz-content-sha256"),
          route.body() == ApiRoute.Body.STREAM ? null : bodyBytes(ctx.body()), auth.presigned());
    } catch (KvsException e) {
      return Future.failedFuture(AuthRefusal.refused(AuthRefusal.Reason.MALFORMED_OR_EXPIRED, null, e.getMessage()));
    }
    return keys.find(auth.accessKeyId()).compose(found -> {
      if (found == null) {
        return Future.failedFuture(AuthRefusal.refused(AuthRefusal.Reason.UNKNOWN_KEY, auth.accessKeyId(),
            "no such access key"));
      }
      if (!verifier.matches(view, auth, found.secret(), payloadHashes)) {
        return Future.failedFuture(AuthRefusal.refused(AuthRefusal.Reason.WRONG_SIGNATURE, auth.accessKeyId(),
            "the signature does not match (signed headers " + String.join(";", auth.signedHeaders()) + ")"));
      }
      return Future.succeededFuture(new KeyPrincipal(found.key()));
    });
  }

  private static byte[] bodyBytes(RequestBody body) {
    return body == null || body.buffer() == null ? new byte[0] : body.buffer().getBytes();
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
    }, () -> req.headers().names());
  }
}
