package io.vidlog.kvs.http;

import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.Principal;
import io.vidlog.kvs.StreamRef;

/**
 * The verified caller of a SIGNED route and the action the route was declared with. The route
 * table puts it in the routing context after authentication and after checking that the caller's
 * policy grants the action at all; a handler asks it about the one stream the request names, by the
 * name the request gave, before looking the stream up (a denied caller learns nothing about whether
 * it exists). Without one in the context, {@link #of} refuses: nothing is allowed by default.
 */
public final class Caller {
  static final String CONTEXT_KEY = "vidlog.caller";
  static final String KEY_ID = "vidlog.caller.keyId";
  static final String STREAM = "vidlog.caller.stream";

  private final RoutingContext ctx;
  private final Principal principal;
  private final KvsAction action;

  private Caller(RoutingContext ctx, Principal principal, KvsAction action) {
    this.ctx = ctx;
    this.principal = principal;
    this.action = action;
  }

  /** The caller of this request; NotAuthorizedException when the request has none (fail closed). */
  public static Caller of(RoutingContext ctx) {
    Object c = ctx.get(CONTEXT_KEY);
    if (c instanceof Caller caller) {
      return caller;
    }
    throw KvsError.NOT_AUTHORIZED.exception("The request is not authenticated");
  }

  /** Called by the route table once the request is authenticated and the action granted. */
  static void attach(RoutingContext ctx, Principal principal, KvsAction action) {
    ctx.put(CONTEXT_KEY, new Caller(ctx, principal, action));
    ctx.put(KEY_ID, principal.id());
  }

  /**
   * For authenticators: the access key a request claims to be signed with, noted before it is
   * verified, so that the access log names who tried even when the signature is refused.
   */
  public static void noteKeyId(RoutingContext ctx, String keyId) {
    // the claim is client text: only something shaped like a key id goes into a log line
    ctx.put(KEY_ID, keyId != null && keyId.length() <= 128 && keyId.chars().allMatch(Character::isLetterOrDigit)
        && keyId.chars().allMatch(c -> c < 128) ? keyId : "?");
  }

  /** The key the request was signed with (or claimed to be, if refused), for the access log; null if none. */
  public static String keyIdOf(RoutingContext ctx) {
    return ctx.get(KEY_ID);
  }

  /** The stream the request was authorized for, for the access log; null when none (yet). */
  public static String streamOf(RoutingContext ctx) {
    return ctx.get(STREAM);
  }

  public Principal principal() {
    return principal;
  }

  public KvsAction action() {
    return action;
  }

  /** Throws the action's denial unless the caller may act on the stream {@code ref} names. */
  public void authorize(StreamRef ref) {
    ctx.put(STREAM, ref.streamName());
    if (!principal.allows(action.actionName(), ref.streamName())) {
      throw action.denied(principal.id(), ref.toString());
    }
  }

  /** As {@link #authorize(StreamRef)} for a stream named directly (CreateStream). */
  public void authorize(String streamName) {
    ctx.put(STREAM, streamName);
    if (!principal.allows(action.actionName(), streamName)) {
      throw action.denied(principal.id(), streamName);
    }
  }

  /** Whether the caller may see this stream at all (ListStreams shows only those). */
  public boolean maySee(String streamName) {
    return principal.allows(action.actionName(), streamName);
  }

  @Override
  public String toString() {
    return "Caller[" + principal.id() + " " + action + "]";
  }
}
