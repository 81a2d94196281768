package io.vidlog.server.control;

import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * The base URL GetDataEndpoint returns for every APIName (kvs-api.md §0: clients append
 * {@code /putMedia}, {@code /getMedia} …). The configured {@code --public-url} when set; otherwise
 * the scheme of this listener and the authority the client used to reach it, which is by
 * construction an address that client can reach again.
 */
public record DataEndpoint(URI publicUrl, String scheme) {

  public String of(RoutingContext ctx) {
    if (publicUrl != null) {
      String s = publicUrl.toString();
      return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
    HostAndPort a = ctx.request().authority();
    if (a == null) {
      return scheme + "://localhost";
    }
    String host = a.host().indexOf(':') >= 0 && !a.host().startsWith("[") ? "[" + a.host() + "]" : a.host();
    String authority = a.port() >= 0 ? host + ":" + a.port() : host;
    return scheme + "://" + authority;
  }
}
