/**
 * vidlog fragment-store module: where streams, fragments and the live path live.
 *
 * <p>Wiring (plain {@code new}, in dependency order, as the server's launcher does it): an
 * {@link io.vidlog.fragmentstore.object.ObjectStore} backend, the
 * {@link io.vidlog.fragmentstore.crypto.ObjectSealer}, the
 * {@link io.vidlog.fragmentstore.chunk.FragmentArchive}, then
 * {@link io.vidlog.fragmentstore.FragmentStore#open} which loads the streams registry and builds the
 * time index ({@link io.vidlog.fragmentstore.index.ObjectStoreTimeIndex}), the live feeds
 * ({@link io.vidlog.fragmentstore.live.MemoryLiveFeeds}), fragment-number minting
 * ({@link io.vidlog.fragmentstore.FragmentNumbers}) and the retention sweeper
 * ({@link io.vidlog.fragmentstore.retention.RetentionSweeper}).
 *
 * <p>Ingest, per fragment: {@code numbers.next(streamId)}, publish FragmentStart/Frame/FragmentEnd to
 * {@code feeds.feed(streamId)}, and for a persisting stream commit the chunk, then
 * {@code index.append(stream, FragmentRecords.fromHeader(header))} (that exact record, so a rebuilt
 * index equals the live one).
 */
package io.vidlog.fragmentstore;
