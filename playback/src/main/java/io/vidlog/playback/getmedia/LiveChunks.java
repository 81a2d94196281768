package io.vidlog.playback.getmedia;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.fragmentstore.live.LiveEvent;

/**
 * The bytes of a GetMedia chunk written from the live feed (docs/wire-protocol.md §2 "Chunk
 * layout"): the same bytes a stored read of the fragment sends, produced as its events arrive, with
 * the Cluster of unknown size since its end is not known yet. One buffer per event: each write is
 * flushed, and over TLS each flush is a record.
 */
final class LiveChunks {
  private LiveChunks() {}

  /** The stored header (EBML header to producer Tags), the pre-cluster KVS Tags and the Cluster start. */
  static Buffer start(LiveEvent.FragmentStart s) {
    return s.mkvHeader().copy()
        .appendBuffer(ChunkMkv.kvsPreCluster(s.number(), s.serverTimestampMillis(), s.producerTimestampMillis(), false))
        .appendBuffer(ChunkMkv.clusterStart(s.clusterTimecode()));
  }

  /** One SimpleBlock. */
  static Buffer frame(LiveEvent.Frame f) {
    Buffer header = ChunkMkv.simpleBlockHeader(f.trackNumber(), f.relativeTimecode(), f.flags(), f.payload().length());
    return Buffer.buffer(header.length() + f.payload().length()).appendBuffer(header).appendBuffer(f.payload());
  }

  /** The producer Tags that followed the blocks, then MILLIS_BEHIND_NOW and the continuation token. */
  static Buffer end(LiveEvent.FragmentEnd e, long millisBehindNow) {
    return e.mkvTrailer().copy().appendBuffer(ChunkMkv.kvsPostCluster(millisBehindNow, e.number().value()));
  }

  /**
   * A refused fragment's end: the post-cluster Tags alone, which also end the unknown-size Cluster
   * (RFC 9559 §6.3, unknown sizes end at the next element of the same or a higher level).
   */
  static Buffer aborted(FragmentNumber number) {
    return ChunkMkv.kvsPostCluster(0, number.value());
  }
}
