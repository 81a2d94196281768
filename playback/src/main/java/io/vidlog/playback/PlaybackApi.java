package io.vidlog.playback;

import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.http.ApiModule;
import io.vidlog.kvs.http.ApiRoute;
import io.vidlog.playback.archive.FragmentListHandler;
import io.vidlog.playback.archive.ListFragmentsHandler;
import io.vidlog.playback.chunk.StoredChunkStreamer;
import io.vidlog.playback.chunk.StreamLookup;
import io.vidlog.playback.getmedia.GetMediaHandler;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The KVS media read APIs (docs/wire-protocol.md §2, §3.1, §3.2): {@code POST /getMedia},
 * {@code /listFragments} and {@code /getMediaForFragmentList}, as route declarations. Built with plain
 * {@code new} by the server, whose route table reads each small JSON body, authenticates the caller
 * and checks the declared action before a handler runs, and renders
 * {@link io.vidlog.kvs.KvsException}s.
 */
public final class PlaybackApi implements ApiModule {
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

  @Override
  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.json("/getMedia", KvsAction.GET_MEDIA, ApiRoute.Response.STREAMED, getMedia),
        ApiRoute.json("/listFragments", KvsAction.LIST_FRAGMENTS, ApiRoute.Response.SHORT, listFragments),
        ApiRoute.json("/getMediaForFragmentList", KvsAction.GET_MEDIA_FOR_FRAGMENT_LIST, ApiRoute.Response.STREAMED,
            fragmentList));
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
