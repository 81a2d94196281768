package io.vidlog.producer;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GetDataEndpoint answers (docs/wire-protocol.md §4), cached per stream and API as the KVS producers
 * cache them; {@link #forget} drops one after a connection error so the next use asks again.
 */
final class Endpoints {
  private final ClientContext context;
  private final Map<String, URI> cache = new ConcurrentHashMap<>();

  Endpoints(ClientContext context) {
    this.context = context;
  }

  URI get(String stream, ApiName api) {
    String key = api + " " + stream;
    URI cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    Map<String, Object> doc = context.call(context.endpoint(), "/getDataEndpoint",
        Map.of("StreamName", stream, "APIName", api.name()));
    String url = Docs.requiredString(doc, "DataEndpoint");
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ConnectionException("GetDataEndpoint answered a DataEndpoint that is not a URL: "
          + HttpResponseParser.printable(url));
    }
    cache.put(key, uri);
    return uri;
  }

  void forget(String stream, ApiName api) {
    cache.remove(api + " " + stream);
  }
}
