package io.vidlog.playback.clip;

import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.playback.chunk.StreamLookup;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * KVS GetClip (docs/wire-protocol.md §3.3) as a route declaration: {@code POST /getClip}, signed,
 * needing {@code kinesisvideo:GetClip}, answered with a streamed progressive MP4.
 */
public final class ClipApi implements ApiModule {
  private final ClipHandler handler;

  /** {@code clock} gives epoch milliseconds (a SERVER_TIMESTAMP range may not end in the future). */
  public ClipApi(StreamRegistry registry, TimeIndex index, FragmentArchive archive, ClipConfig config,
      LongSupplier clock) {
    this.handler = new ClipHandler(new StreamLookup(registry), index, archive, config, clock);
  }

  @Override
  public List<ApiRoute> routes() {
    return List.of(ApiRoute.json("/getClip", KvsAction.GET_CLIP, ApiRoute.Response.STREAMED, handler));
  }
}
