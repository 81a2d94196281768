package io.vidlog.playback.chunk;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * Writes one stored fragment as a chunk of a GetMedia or GetMediaForFragmentList response
 * (docs/wire-protocol.md §2, §3.2): the stored MKV bytes up to {@link ChunkHeader#clusterOffset()}, the
 * pre-cluster AWS Tags, the rest of the stored bytes and, for GetMedia, the post-cluster AWS Tags.
 * The stored bytes are piped from the archive's decrypting stream with back-pressure, so a reader
 * never holds more than the socket's write queue of a fragment.
 */
public final class StoredChunkStreamer {
  /** Which API a chunk is sent for, which decides the KVS Tags around its Cluster. */
  public enum Framing {
    /**
     * GetMedia (docs/wire-protocol.md §2): the pre-cluster Tags in the spelling the parser library
     * reads, and after the Cluster MILLIS_BEHIND_NOW and CONTINUATION_TOKEN.
     */
    GET_MEDIA,
    /**
     * GetMediaForFragmentList (docs/wire-protocol.md §3.2): the pre-cluster Tags in both documented
     * spellings and nothing after the Cluster. MILLIS_BEHIND_NOW and CONTINUATION_TOKEN are
     * documented for GetMedia only: a fragment list is neither live nor resumable.
     */
    FRAGMENT_LIST
  }

  private final FragmentArchive archive;
  private final LongSupplier clock;

  public StoredChunkStreamer(FragmentArchive archive, LongSupplier clock) {
    this.archive = archive;
    this.clock = clock;
  }

  /** Opens the chunk; fails (before any byte is written) when it cannot be opened. */
  public Future<Transfer> open(StreamInfo stream, FragmentNumber number) {
    return archive.open(stream, number).map(Transfer::new);
  }

  /**
   * The stored bytes on their way out, written only up to the last element boundary
   * ({@link ElementBoundaries}): should the store fail mid-chunk, the response stops between two
   * elements and the error chunk after it is readable. The pre-cluster Tags go in at the Cluster.
   * Held back is at most the element in progress, as slices of the buffers read (no copy).
   */
  private static final class Aligned {
    private final ChunkSink out;
    private final Buffer pre;
    private final long clusterOffset;
    private final ElementBoundaries boundaries = new ElementBoundaries();
    private final ArrayDeque<Buffer> held = new ArrayDeque<>();
    private long received;
    private long sent;
    private boolean preWritten;

    Aligned(ChunkSink out, Buffer pre, long clusterOffset) {
      this.out = out;
      this.pre = pre;
      this.clusterOffset = clusterOffset;
    }

    void add(Buffer buf) {
      held.add(buf);
      received += buf.length();
      writeUpTo(boundaries.feed(buf));
    }

    /** The chunk's bytes are all here: everything held goes out. */
    void flush() {
      writeUpTo(received);
      if (!preWritten) {
        out.write(pre);
        preWritten = true;
      }
    }

    private void writeUpTo(long limit) {
      while (sent < limit) {
        Buffer head = held.peek();
        int n = (int) Math.min(head.length(), limit - sent);
        if (n == head.length()) {
          held.poll();
          emit(head);
        } else {
          emit(head.slice(0, n));
          held.poll();
          held.push(head.slice(n, head.length()));
        }
      }
    }

    private void emit(Buffer buf) {
      long start = sent;
      sent += buf.length();
      if (!preWritten && sent > clusterOffset) {
        int cut = (int) (clusterOffset - start);
        if (cut > 0) {
          out.write(buf.slice(0, cut));
        }
        out.write(pre);
        preWritten = true;
        out.write(cut > 0 ? buf.slice(cut, buf.length()) : buf);
      } else {
        out.write(buf);
      }
    }
  }

  /** One chunk being written; {@link #cancel()} stops it when the reader goes away. */
  public final class Transfer {
    private final FragmentArchive.ChunkReader reader;
    private ReadStream<Buffer> source;
    private boolean cancelled;

    Transfer(FragmentArchive.ChunkReader reader) {
      this.reader = reader;
    }

    public ChunkHeader header() {
      return reader.header();
    }

    /**
     * Streams the chunk into {@code out}. Completes with the header when the whole chunk is
     * written; fails when the store fails mid-chunk (the caller reports it in-stream).
     */
    public Future<ChunkHeader> writeTo(ChunkSink out, Framing framing) {
      ChunkHeader h = reader.header();
      Buffer pre = ChunkMkv.kvsPreCluster(h.number(), h.serverTimestampMillis(), h.producerTimestampMillis(),
          framing == Framing.FRAGMENT_LIST);
      Promise<ChunkHeader> done = Promise.promise();
      Aligned aligned = new Aligned(out, pre, h.clusterOffset());
      source = reader.mkv();
      source.exceptionHandler(done::tryFail);
      source.handler(buf -> {
        if (cancelled || out.ended()) {
          return;
        }
        aligned.add(buf);
        if (out.writeQueueFull()) {
          source.pause();
          out.drainHandler(v -> {
            if (!cancelled) {
              source.resume();
            }
          });
        }
      });
      source.endHandler(v -> {
        if (cancelled) {
          return;
        }
        aligned.flush();
        if (framing == Framing.GET_MEDIA) {
          long behind = clock.getAsLong() - (h.serverTimestampMillis() + h.durationMillis());
          out.write(ChunkMkv.kvsPostCluster(behind, h.number().value()));
        }
        done.tryComplete(h);
      });
      source.resume();
      return done.future();
    }

    /**
     * Stops writing. The archive's stream reads only on demand and holds at most one range, so
     * pausing it and letting it go releases it; nothing more is read or decrypted.
     */
    public void cancel() {
      if (!cancelled) {
        cancelled = true;
        if (source != null) {
          source.pause();
        }
      }
    }
  }
}
