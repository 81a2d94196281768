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
import java.util.function.LongSupplier;

/**
 * Writes one stored fragment as a GetMedia chunk (kvs-api.md §2): the stored MKV bytes up to
 * {@link ChunkHeader#clusterOffset()}, the pre-cluster AWS Tags, the rest of the stored bytes, the
 * post-cluster AWS Tags. The stored bytes are piped from the archive's decrypting stream with
 * back-pressure, so a reader never holds more than the socket's write queue of a fragment.
 */
public final class StoredChunkStreamer {
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
     * Streams the chunk into {@code out}. Completes with the header when the post-cluster Tags are
     * written; fails when the store fails mid-chunk (the caller reports it in-stream).
     */
    public Future<ChunkHeader> writeTo(ChunkOutput out, boolean bothSpellings) {
      ChunkHeader h = reader.header();
      Buffer pre = ChunkMkv.kvsPreCluster(h.number(), h.serverTimestampMillis(), h.producerTimestampMillis(),
          bothSpellings);
      long clusterOffset = h.clusterOffset();
      Promise<ChunkHeader> done = Promise.promise();
      long[] position = {0};
      boolean[] preWritten = {false};
      source = reader.mkv();
      source.exceptionHandler(done::tryFail);
      source.handler(buf -> {
        if (cancelled || out.ended()) {
          return;
        }
        long start = position[0];
        position[0] += buf.length();
        if (!preWritten[0] && position[0] > clusterOffset) {
          int cut = (int) (clusterOffset - start);
          if (cut > 0) {
            out.write(buf.slice(0, cut));
          }
          out.write(pre);
          preWritten[0] = true;
          out.write(cut > 0 ? buf.slice(cut, buf.length()) : buf);
        } else {
          out.write(buf);
        }
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
        if (!preWritten[0]) {
          out.write(pre);
        }
        long behind = clock.getAsLong() - (h.serverTimestampMillis() + h.durationMillis());
        out.write(ChunkMkv.kvsPostCluster(behind, h.number().value()));
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
