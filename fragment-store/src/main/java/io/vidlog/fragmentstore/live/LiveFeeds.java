package io.vidlog.fragmentstore.live;

/** The live feeds of all streams, keyed by stream creation id; a feed exists from first use. */
public interface LiveFeeds {
  LiveFeed feed(String streamId);

  /** Cuts off every subscriber of a deleted stream and forgets its window. */
  void drop(String streamId);
}
