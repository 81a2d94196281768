/**
 * The live path (DESIGN.md §Live path): {@link io.vidlog.fragmentstore.live.MemoryLiveFeeds} holds a
 * windowed feed per stream that ingest publishes to and playback subscribes to, with a bounded lag
 * per subscriber and cut-off reasons instead of back-pressure on the publisher.
 */
package io.vidlog.fragmentstore.live;
