package io.vidlog.ingest;

import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.FragmentRecords;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.AckError;
import io.vidlog.media.mkv.MkvFrame;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Where the fragments of one PutMedia connection go (docs/architecture.md §Storage and §Live path): each gets its
 * number and index slot from the stream's {@link FragmentSequencer} when its first byte arrives, its
 * chunk is streamed into the {@link FragmentArchive} through a {@link ChunkStream} (none when the
 * stream keeps nothing, retention 0), and every frame is published to the stream's
 * {@link LiveFeed} the moment it is parsed. Confined to the connection's context.
 */
final class FragmentSink {
  private final StreamInfo stream;
  private final FragmentArchive archive;
  private final LiveFeed live;
  private final FragmentSequencer sequencer;
  private final Context context;
  private final int chunkWriteBytes;
  private final Runnable onProgress;
  private byte[] input;

  /** {@code onProgress} runs on the context when a chunk write completed (the store may have caught up). */
  FragmentSink(StreamInfo stream, FragmentArchive archive, LiveFeed live, FragmentSequencer sequencer, Context context,
      int chunkWriteBytes, Runnable onProgress) {
    this.stream = stream;
    this.archive = archive;
    this.live = live;
    this.sequencer = sequencer;
    this.context = context;
    this.chunkWriteBytes = chunkWriteBytes;
    this.onProgress = onProgress;
  }

  /** The fragment's first byte arrived: mints its number, begins its chunk, announces it live. */
  void open(OpenFragment f) {
    f.slot = sequencer.mint(stream);
    f.number = f.slot.number;
    if (stream.persists()) {
      f.chunk = new ChunkStream(archive.begin(stream, f.number), context, chunkWriteBytes, onProgress);
      f.chunk.append(f.prefix);
      f.chunk.append(ChunkMkv.clusterStart(f.clusterTimecode));
    }
    live.publish(new LiveEvent.FragmentStart(f.number, f.serverTimestampMillis, f.producerTimestampMillis,
        f.clusterTimecode, f.prefix));
  }

  /**
   * The request body buffer being parsed now, or null. It is the connection's own (the HTTP server
   * allocates each body buffer afresh and never writes it again), so a frame that lies inside it is
   * kept by reference: the chunk and the live feed share it, and it is collected once both let go.
   * For the same reason the MKV reader reads body buffers as kept input: a frame split across
   * several of them comes as views of each, referenced the same way.
   */
  void receiving(ByteBuffer input) {
    this.input = input != null && input.hasArray() && !input.isReadOnly() ? input.array() : null;
  }

  /** A frame that passed the rules: into the chunk, and to the live feed at once. */
  void frame(OpenFragment f, MkvFrame frame) {
    int flags = ChunkMkv.frameFlags(frame.flags());
    Buffer block = ChunkMkv.simpleBlockHeader(frame.trackNumber(), frame.relativeTimecode(), flags, frame.size());
    Buffer bytes = bytesOf(frame);
    if (f.chunk != null) {
      f.chunk.appendBlock(block, bytes);
    }
    // the payload is never written again: the feed keeps it as it is
    live.publishImmutable(new LiveEvent.Frame(f.number, frame.trackNumber(), frame.relativeTimecode(), flags, bytes));
  }

  /**
   * The frame's bytes, kept beyond the reader's call: a frame inside the received buffer, or split
   * across received buffers (views of each, from a reader of kept input), is referenced; a frame
   * the parser assembled in space of its own, which it reuses (a BlockGroup's Block), is copied.
   */
  private Buffer bytesOf(MkvFrame frame) {
    List<ByteBuffer> pieces = frame.pieces();
    if (pieces.size() > 1) {
      ByteBuffer[] views = new ByteBuffer[pieces.size()];
      for (int i = 0; i < views.length; i++) {
        views[i] = pieces.get(i).slice();
      }
      // no component limit: a limit makes Netty consolidate (copy) the pieces into one buffer
      return BufferInternal.buffer(Unpooled.wrappedBuffer(Integer.MAX_VALUE, views));
    }
    ByteBuffer payload = pieces.get(0);
    return payload.hasArray() && payload.array() == input
        ? BufferInternal.buffer(Unpooled.wrappedBuffer(payload.slice()))
        : ChunkStream.copyOf(payload);
  }

  /**
   * The fragment is complete and valid: ends it live and commits its chunk. Returns what completes
   * when it is durable and indexed (PERSISTED may be acked), or null when the stream keeps no
   * fragments (retention 0: live only, no PERSISTED, docs/wire-protocol.md §1.3).
   */
  Future<Void> complete(OpenFragment f) {
    Buffer trailer = ChunkMkv.producerTags(f.postTags);
    ChunkHeader header = f.chunkHeader(f.mkvBytes + trailer.length());
    live.publish(new LiveEvent.FragmentEnd(f.number, header, trailer, stream.persists()));
    FragmentSequencer.Slot slot = f.slot;
    if (!stream.persists()) {
      sequencer.skip(slot, null);
      return null;
    }
    f.chunk.append(trailer);
    Future<Void> durable = f.chunk.commit(header).transform(ar -> {
      if (ar.failed()) {
        sequencer.skip(slot, ar.cause());
      } else {
        sequencer.ready(slot, stream, FragmentRecords.fromHeader(header));
      }
      return slot.indexed();
    });
    f.chunk = null;
    return durable;
  }

  /** The fragment broke a rule: its chunk and index slot are dropped, live readers told. */
  void reject(OpenFragment f, AckError error) {
    if (f.chunk != null) {
      f.chunk.abort();
      f.chunk = null;
    }
    sequencer.skip(f.slot, null);
    live.publish(new LiveEvent.FragmentAborted(f.number, error.code()));
  }

  /** True while the open fragment's chunk has a write in flight and the next one full. */
  boolean behind(OpenFragment open) {
    return open != null && open.chunk != null && open.chunk.behind();
  }
}
