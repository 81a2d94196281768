package io.vidlog.kvs.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsAction;
import java.util.Objects;

/**
 * One route of the API, declared by the module that serves it: where it is, who may call it, how
 * its body is read and how long its response runs. The server's route table derives everything in
 * front of the handler from this declaration — authentication, the action check, body handling,
 * deadlines — and refuses to start with a route that has no declaration, so a handler never runs
 * for a caller the declaration does not admit (fail closed).
 *
 * @param action the KVS action a SIGNED route needs (its caller's policy must grant it); null otherwise
 * @param publicReason for a PUBLIC route, why it needs no signature (how it authenticates instead)
 */
public record ApiRoute(HttpMethod method, String path, Access access, KvsAction action, Body body,
    Response response, String publicReason, Handler<RoutingContext> handler) {

  /** Who may call a route. */
  public enum Access {
    /** SigV4-signed by an access key whose policy grants the route's action. */
    SIGNED,
    /** SigV4-signed by an admin key (operations endpoints). */
    ADMIN,
    /**
     * A signed-in browser's own session (who am I, sign out): authenticated by its session cookie,
     * and for any method but GET by the session's anti-forgery token; no KVS action is involved.
     */
    SESSION,
    /** No signature: the route authenticates the request itself (a session token), or serves nothing secret. */
    PUBLIC
  }

  /** How a request body is read. */
  public enum Body {
    /** A small JSON document, read whole (bounded) before authentication so its hash can be checked. */
    JSON,
    /** A stream (PutMedia's MKV): never buffered; the handler gets the request paused after authentication. */
    STREAM,
    /** No body is expected (GET). */
    NONE
  }

  /** How long a response runs. */
  public enum Response {
    /** A small document: the server's request timeout applies. */
    SHORT,
    /** A stream or long download (GetMedia, clips): no request timeout; the route bounds itself. */
    STREAMED
  }

  public ApiRoute {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(handler, "handler");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("route path must start with /: " + path);
    }
    if ((access == Access.SIGNED) != (action != null)) {
      throw new IllegalArgumentException(path + ": a SIGNED route names its KVS action, and only a SIGNED route does");
    }
    if ((access == Access.PUBLIC) != (publicReason != null && !publicReason.isBlank())) {
      throw new IllegalArgumentException(path + ": a PUBLIC route says how it authenticates, and only a PUBLIC route");
    }
  }

  /** {@code POST path} with a JSON body, signed, needing {@code action}. */
  public static ApiRoute json(String path, KvsAction action, Response response, Handler<RoutingContext> handler) {
    return new ApiRoute(HttpMethod.POST, path, Access.SIGNED, action, Body.JSON, response, null, handler);
  }

  /** {@code POST path} whose body is a stream (PutMedia), signed, needing {@code action}. */
  public static ApiRoute stream(String path, KvsAction action, Handler<RoutingContext> handler) {
    return new ApiRoute(HttpMethod.POST, path, Access.SIGNED, action, Body.STREAM, Response.STREAMED, null, handler);
  }

  /** {@code GET path} for admin keys only. */
  public static ApiRoute adminGet(String path, Handler<RoutingContext> handler) {
    return new ApiRoute(HttpMethod.GET, path, Access.ADMIN, null, Body.NONE, Response.SHORT, null, handler);
  }

  /** {@code GET path} of a browser's session (see {@link Access#SESSION}). */
  public static ApiRoute sessionGet(String path, Handler<RoutingContext> handler) {
    return new ApiRoute(HttpMethod.GET, path, Access.SESSION, null, Body.NONE, Response.SHORT, null, handler);
  }

  /** {@code POST path} without a body, of a browser's session (see {@link Access#SESSION}). */
  public static ApiRoute sessionPost(String path, Handler<RoutingContext> handler) {
    return new ApiRoute(HttpMethod.POST, path, Access.SESSION, null, Body.NONE, Response.SHORT, null, handler);
  }

  /** {@code POST path} with a JSON body and without a signature; {@code reason} says how it authenticates instead. */
  public static ApiRoute publicJson(String path, String reason, Handler<RoutingContext> handler) {
    return new ApiRoute(HttpMethod.POST, path, Access.PUBLIC, null, Body.JSON, Response.SHORT, reason, handler);
  }

  /** {@code GET path} without a signature; {@code reason} says how the route authenticates instead. */
  public static ApiRoute publicGet(String path, Response response, String reason, Handler<RoutingContext> handler) {
    return new ApiRoute(HttpMethod.GET, path, Access.PUBLIC, null, Body.NONE, response, reason, handler);
  }

  @Override
  public String toString() {
    return method + " " + path + " (" + access + (action == null ? "" : " " + action) + ", " + body + ")";
  }
}
