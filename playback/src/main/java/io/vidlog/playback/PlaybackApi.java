package io.vidlog.playback;

import io.vertx.ext.web.Router;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.playback.archive.FragmentListHandler;
import io.vidlog.playback.archive.ListFragmentsHandler;
import io.vidlog.playback.chunk.StoredChunkStreamer;
import io.vidlog.playback.chunk.StreamLookup;
import io.vidlog.playback.getmedia.GetMediaHandler;
import java.util.function.LongSupplier;

/**
 * The KVS media read APIs (kvs-api.md §2, §3.1, §3.2): {@code POST /getMedia},
 * {@code /listFragments} and {@code /getMediaForFragmentList}. Built with plain {@code new} by the
 * server; {@link #mount(Router)} adds the routes. The server installs its authentication (which puts
 * a {@link io.vidlog.kvs.Principal} in the context) and a failure handler that
 * renders {@link io.vidlog.kvs.KvsException}s before these routes. The handlers read the
 * small JSON bodies themselves when no BodyHandler ran.
 */
public final class PlaybackApi {
  private final GetMediaHandler getMedia;
  private final ListFragmentsHandler listFragments;
  private final FragmentListHandler fragmentList;

  public PlaybackApi(StreamRegistry registry, TimeIndex index, FragmentArchive archive, LiveFeeds feeds,
      PlaybackConfig config) {
    this(registry, index, archive, feeds, config, System::currentTimeMillis);
  }

  /** {@code clock} gives epoch milliseconds (MILLIS_BEHIND_NOW); tests pass a fixed one. */
  public PlaybackApi(StreamRegistry registry, TimeIndex index, FragmentArchive archive, LiveFeeds feeds,
      PlaybackConfig config, LongSupplier clock) {
    StreamLookup lookup = new StreamLookup(registry);
    StoredChunkStreamer stored = new StoredChunkStreamer(archive, clock);
    this.getMedia = new GetMediaHandler(lookup, index, stored, feeds, config, clock);
    this.listFragments = new ListFragmentsHandler(lookup, index);
    this.fragmentList = new FragmentListHandler(lookup, stored, config.fragmentListConnectionsPerStream());
  }

  public void mount(Router router) {
    router.post("/getMedia").handler(getMedia);
    router.post("/listFragments").handler(listFragments);
    router.post("/getMediaForFragmentList").handler(fragmentList);
  }

  /**
   * Server shutdown: every open GetMedia response ends after its fragment in progress, so readers
   * leave with an exact continuation token rather than being cut off when the grace period ends.
   */
  public void drain() {
    getMedia.drain();
  }

  /** Open GetMedia responses of a stream, by stream id. */
  public int openGetMediaConnections(String streamId) {
    return getMedia.openConnections(streamId);
  }
}
