/**
 * The live path (docs/architecture.md §Live path): {@link io.vidlog.fragmentstore.live.MemoryLiveFeeds} holds a
 * windowed feed per stream that ingest publishes to and playback subscribes to, with a bounded lag
 * per subscriber and cut-off reasons instead of back-pressure on the publisher. All windows of one
 * node share a byte budget ({@link io.vidlog.fragmentstore.live.LiveFeedConfig#totalBytes()}); past it
 * the oldest closed fragments across streams are evicted first.
 */
package io.vidlog.fragmentstore.live;
