package io.vidlog.server.http;

import io.vertx.ext.web.Router;

/**
 * A group of API routes that mounts itself on the server's router ({@code ControlPlaneApi},
 * and the lead's {@code IngestApi} / {@code PlaybackApi}). The {@link RouteTable} has already put
 * request ids, metrics, body handling, timeouts and SigV4 authentication in front of every known
 * KVS path; a module adds only its handlers, e.g. {@code router.post("/putMedia").handler(h)}.
 */
@FunctionalInterface
public interface ApiModule {
  void mount(Router router);
}
