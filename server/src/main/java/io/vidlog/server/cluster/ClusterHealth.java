package io.vidlog.server.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.server.config.ServerConfig;
import java.net.URI;

/** What {@code /health} and GetDataEndpoint say of a node of a cluster. */
public final class ClusterHealth {
  private ClusterHealth() {}

  /**
   * The {@code cluster} member of {@code /health}: this node's number, whether it sees a majority
   * (without one it takes no stream and its owned streams stop at their next fragment), and the
   * members with their numbers and URLs.
   */
  public static JsonObject of(ClusterNode cluster) {
    JsonArray members = new JsonArray();
    for (ClusterNode.Member m : cluster.members()) {
      JsonObject o = new JsonObject().put("id", m.id()).put("node", m.nodeNumber()).put("local", m.local());
      if (m.url() != null) {
        o.put("url", m.url());
      }
      members.add(o);
    }
    return new JsonObject().put("node", cluster.nodeNumber()).put("id", cluster.memberId())
        .put("quorum", cluster.quorum()).put("members", members);
  }

  /** The URL other nodes send clients to: {@code --public-url}, else this node's cluster host and port. */
  public static URI mainUrl(ServerConfig config, int port) {
    var http = config.http();
    return http.publicUrl() != null ? http.publicUrl()
        : URI.create(http.scheme() + "://" + host(config.cluster().host()) + ":" + port);
  }

  /** The PutMedia URL: {@code --public-ingest-url}, else the main URL's host with the ingest port; null without one. */
  public static URI ingestUrl(ServerConfig config, int ingestPort) {
    var http = config.http();
    if (http.publicIngestUrl() != null) {
      return http.publicIngestUrl();
    }
    if (ingestPort < 0) {
      return null;
    }
    URI main = mainUrl(config, 0);
    return URI.create(main.getScheme() + "://" + host(main.getHost()) + ":" + ingestPort);
  }

  private static String host(String h) {
    return h.indexOf(':') >= 0 && !h.startsWith("[") ? "[" + h + "]" : h;
  }
}
