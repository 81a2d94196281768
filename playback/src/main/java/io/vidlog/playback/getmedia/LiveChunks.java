package io.vidlog.playback.getmedia;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
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

  /**
   * One SimpleBlock: its header and the feed's payload as one buffer that references the payload.
   * Every reader of a stream writes the same frame, so a copy here would be made once per reader
   * (the feed's payloads are never written again, docs/architecture.md §Live path); TLS reads the
   * two pieces when it encrypts the record, which is the one copy each reader needs.
   */
  static Buffer frame(LiveEvent.Frame f) {
    Buffer header = ChunkMkv.simpleBlockHeader(f.trackNumber(), f.relativeTimecode(), f.flags(), f.payload().length());
    // no component limit: a limit makes Netty consolidate (copy) the pieces into one buffer
    return BufferInternal.buffer(Unpooled.wrappedBuffer(Integer.MAX_VALUE,
        ((BufferInternal) header).getByteBuf(), ((BufferInternal) f.payload()).getByteBuf()));
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
