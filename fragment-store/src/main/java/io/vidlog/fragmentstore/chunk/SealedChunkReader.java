package io.vidlog.fragmentstore.chunk;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.ObjectStore;

/** A chunk whose header has been opened and authenticated; {@link #mkv()} streams its media. */
final class SealedChunkReader implements FragmentArchive.ChunkReader {
  private final Vertx vertx;
  private final ObjectStore store;
  private final String key;
  private final StreamingSeal opener;
  private final ChunkHeader header;
  private final long mkvLength;

  SealedChunkReader(Vertx vertx, ObjectStore store, String key, StreamingSeal opener, ChunkHeader header,
      long mkvLength) {
    this.vertx = vertx;
    this.store = store;
    this.key = key;
    this.opener = opener;
    this.header = header;
    this.mkvLength = mkvLength;
  }

  @Override
  public ChunkHeader header() {
    return header;
  }

  /** A new paused stream over the whole MKV each time it is called. */
  @Override
  public ReadStream<Buffer> mkv() {
    return new ChunkMkvStream(vertx, store, key, opener, mkvLength);
  }
}
