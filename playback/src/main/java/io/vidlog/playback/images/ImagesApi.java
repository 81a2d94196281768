package io.vidlog.playback.images;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.playback.chunk.StreamLookup;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * KVS GetImages (docs/wire-protocol.md §3.4) and the web player's thumbnails, as route
 * declarations: {@code POST /getImages} and {@code GET /thumbnail/v1/getThumbnail.jpg}, both
 * signed (or a web session) and needing {@code kinesisvideo:GetImages}. Pictures are decoded on a
 * worker pool of {@link ImagesConfig#decodeThreads} threads of their own, never on an event loop.
 */
public final class ImagesApi implements ApiModule {
  /** The thumbnail route's path. */
  public static final String THUMBNAIL_PATH = "/thumbnail/v1/getThumbnail.jpg";

  private final WorkerExecutor workers;
  private final ImagesHandler images;
  final Thumbnails thumbnails;
  private final ThumbnailHandler thumbnail;

  public ImagesApi(Vertx vertx, StreamRegistry registry, TimeIndex index, FragmentArchive archive,
      ImagesConfig config) {
    // a picture can take seconds at 4K: the blocked-thread checker is told a minute is normal
    this.workers = vertx.createSharedWorkerExecutor("vidlog-images", config.decodeThreads(), 60, TimeUnit.SECONDS);
    StreamLookup lookup = new StreamLookup(registry);
    FragmentReader reader = new FragmentReader(archive);
    this.images = new ImagesHandler(lookup, index, reader, workers, config);
    this.thumbnails = new Thumbnails(index, reader, workers, config);
    this.thumbnail = new ThumbnailHandler(lookup, thumbnails);
  }

  @Override
  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.json("/getImages", KvsAction.GET_IMAGES, ApiRoute.Response.SHORT, images),
        new ApiRoute(HttpMethod.GET, THUMBNAIL_PATH, ApiRoute.Access.SIGNED, KvsAction.GET_IMAGES,
            ApiRoute.Body.NONE, ApiRoute.Response.SHORT, null, thumbnail));
  }

  /**
   * The newest picture of a stream (the thumbnail route's answer) for callers inside the server;
   * authorization is theirs.
   */
  public io.vertx.core.Future<Thumbnails.Thumbnail> thumbnail(StreamInfo stream, int width) {
    return thumbnails.newest(stream, width);
  }
}
