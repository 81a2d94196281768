package io.vidlog.kvs.http;

import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.Principal;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * For tests that call an operation taking a {@link Caller} directly, without HTTP: a routing context
 * that holds only data (what {@link Caller} reads and writes), with the caller attached as the
 * route table attaches it once the request is authenticated. {@link Caller#of} and
 * {@link Caller#streamOf} work on it; any other use of the context fails.
 */
public final class TestCallers {
  private TestCallers() {}

  /** A context whose caller is {@code principal} on a route declared with {@code action}. */
  public static RoutingContext context(Principal principal, KvsAction action) {
    Map<String, Object> data = new HashMap<>();
    RoutingContext[] self = new RoutingContext[1];
    self[0] = (RoutingContext) Proxy.newProxyInstance(TestCallers.class.getClassLoader(),
        new Class<?>[] {RoutingContext.class}, (proxy, method, args) -> switch (method.getName()) {
          case "put" -> {
            data.put((String) args[0], args[1]);
            yield self[0];
          }
          case "get" -> args.length == 2 ? data.getOrDefault((String) args[0], args[1]) : data.get((String) args[0]);
          case "remove" -> data.remove((String) args[0]);
          case "data" -> data;
          case "toString" -> "TestCallers.context" + data;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException("a test caller's context has no " + method.getName());
        });
    Caller.attach(self[0], principal, action);
    return self[0];
  }
}
