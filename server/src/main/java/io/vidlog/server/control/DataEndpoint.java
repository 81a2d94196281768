package io.vidlog.server.control;

import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.function.IntSupplier;

/**
 * The base URL GetDataEndpoint returns (docs/wire-protocol.md §0: clients append {@code /putMedia},
 * {@code /getMedia} …), per API as KVS answers it.
 *
 * <ul>
 *   <li>{@code PUT_MEDIA}: the HTTP/1.1-only ingest listener when there is one. Producers such as
 *       the KVS C SDK (over curl) sign {@code connection} and {@code transfer-encoding}; over HTTP/2
 *       those headers cannot exist (RFC 9113 §8.2.2), so the signature would never verify there.
 *       {@code --public-ingest-url} when set, else the host of {@code --public-url} or of the
 *       request with the ingest port.</li>
 *   <li>every other API: {@code --public-url} when set, else this server's main listener, which
 *       offers HTTP/2 (browsers play HLS over it).</li>
 * </ul>
 * Without a configured URL the host is the one the client used to reach this server (by construction
 * a name that client can reach again); the port is the client's when its {@code Host} carried one,
 * else the port the listener actually bound: a client may omit the port against RFC 9110 §7.2 (the
 * KVS C SDK sends {@code Host: localhost}), and the default port of the scheme would be wrong.
 */
public final class DataEndpoint {
  private final URI publicUrl;
  private final URI publicIngestUrl;
  private final String scheme;
  private final IntSupplier mainPort;
  private final IntSupplier ingestPort;

  /**
   * @param mainPort the main listener's bound port (known once it listens)
   * @param ingestPort the ingest listener's bound port, or null when there is no ingest listener
   */
  public DataEndpoint(URI publicUrl, URI publicIngestUrl, String scheme, IntSupplier mainPort, IntSupplier ingestPort) {
    this.publicUrl = publicUrl;
    this.publicIngestUrl = publicIngestUrl;
    this.scheme = scheme;
    this.mainPort = mainPort;
    this.ingestPort = ingestPort;
  }

  /** The endpoint for {@code apiName} (one of GetDataEndpoint's APIName values), for this request. */
  public String of(RoutingContext ctx, String apiName) {
    return forAuthority(ctx.request().authority(), apiName);
  }

  /** The endpoint for a request that named {@code authority} (null when it named none). */
  String forAuthority(HostAndPort authority, String apiName) {
    if ("PUT_MEDIA".equals(apiName) && publicIngestUrl != null) {
      return withoutSlash(publicIngestUrl);
    }
    if ("PUT_MEDIA".equals(apiName) && ingestPort != null) {
      String host = publicUrl != null ? publicUrl.getHost() : hostOf(authority);
      String s = publicUrl != null ? publicUrl.getScheme() : scheme;
      return s + "://" + bracketed(host) + ":" + ingestPort.getAsInt();
    }
    if (publicUrl != null) {
      return withoutSlash(publicUrl);
    }
    int port = authority != null && authority.port() >= 0 ? authority.port() : mainPort.getAsInt();
    return scheme + "://" + bracketed(hostOf(authority)) + ":" + port;
  }

  private static String hostOf(HostAndPort authority) {
    return authority == null || authority.host().isEmpty() ? "localhost" : authority.host();
  }

  /** An IPv6 literal in a URL is bracketed (RFC 3986 §3.2.2). */
  private static String bracketed(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String withoutSlash(URI url) {
    String s = url.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
