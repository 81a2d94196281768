package io.vidlog.kvs.http;

import java.util.List;

/**
 * A group of API routes (the control plane, ingest, playback …). A module only declares; the
 * server's route table mounts the declarations with everything they imply in front of each handler.
 */
@FunctionalInterface
public interface ApiModule {
  List<ApiRoute> routes();
}
