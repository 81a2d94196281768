/**
 * Fragment chunks: one sealed, self-contained object per fragment.
 * {@link io.vidlog.fragmentstore.chunk.SealedFragmentArchive} implements
 * {@link io.vidlog.fragmentstore.chunk.FragmentArchive}; the object layout is described in
 * {@code ChunkLayout} and the header encoding in {@link io.vidlog.fragmentstore.chunk.ChunkHeaderCodec}.
 *
 * <pre>{@code
 * FragmentArchive archive = await SealedFragmentArchive.open(vertx, store, crypto, dataDir.resolve("spool"));
 * ChunkWriter w = archive.begin(streamInfo, number);   // ingest: write(...) MKV bytes, then commit(header)
 * ChunkReader r = await archive.open(streamInfo, number);  // playback: r.header(), r.mkv().pipeTo(response)
 * }</pre>
 */
package io.vidlog.fragmentstore.chunk;
