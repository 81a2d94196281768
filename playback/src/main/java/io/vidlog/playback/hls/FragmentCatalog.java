package io.vidlog.playback.hls;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.AsyncLimiter;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvReader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link FragmentInfo} of fragments, cached for every session of this node: fragments that end
 * in this node's live feed are entered as they end ({@link #put}); others are read once from the
 * archive, their chunk header and just enough of the MKV to pass the Tracks element (the first
 * sealed segment; {@value #READS} reads at a time), so a playlist that lists a fragment again
 * costs nothing. Bounded ({@code capacity} entries, least recently used out); codec private data
 * is tens of bytes, so an entry is small.
 */
public final class FragmentCatalog {
  /** Chunk reads in flight at once: an ON_DEMAND playlist may list thousands of fragments not read yet. */
  static final int READS = 16;

  private final FragmentArchive archive;
  private final AsyncLimiter reads = new AsyncLimiter(READS);
  private final Map<String, Future<FragmentInfo>> cache;

  public FragmentCatalog(FragmentArchive archive, int capacity) {
    this.archive = archive;
    this.cache = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Future<FragmentInfo>> eldest) {
        return size() > capacity;
      }
    };
  }

  private static String key(String streamId, FragmentNumber number) {
    return streamId + '/' + number.value();
  }

  /** A fragment that ended in the live feed, known before the store has it. */
  public void put(String streamId, FragmentInfo info) {
    synchronized (cache) {
      cache.put(key(streamId, info.header().number()), Future.succeededFuture(info));
    }
  }

  /** The fragment's info; fails as the archive does (StoreException NOT_FOUND when it is gone). */
  public Future<FragmentInfo> get(StreamInfo stream, FragmentNumber number) {
    String key = key(stream.streamId(), number);
    Future<FragmentInfo> f;
    synchronized (cache) {
      f = cache.get(key);
      if (f == null || f.failed()) {
        f = reads.run(() -> read(stream, number));
        cache.put(key, f);
      }
    }
    Future<FragmentInfo> result = f;
    result.onFailure(e -> {
      synchronized (cache) {
        cache.remove(key, result);
      }
    });
    return result;
  }

  private Future<FragmentInfo> read(StreamInfo stream, FragmentNumber number) {
    return archive.open(stream, number).compose(chunk -> {
      Promise<FragmentInfo> done = Promise.promise();
      ChunkHeader header = chunk.header();
      TrackSet.Reader tracks = new TrackSet.Reader();
      MkvReader reader = new MkvReader(tracks);
      ReadStream<Buffer> mkv = chunk.mkv();
      mkv.exceptionHandler(done::tryFail);
      mkv.endHandler(v -> {
        reader.close();
        done.tryFail(MediaFormatException.Format.MKV.malformed(header.mkvLength(), "fragment " + number
            + " has no Tracks element"));
      });
      mkv.handler(buf -> {
        if (done.future().isComplete()) {
          return;
        }
        try {
          reader.feed(((BufferInternal) buf).getByteBuf().nioBuffer());
        } catch (RuntimeException e) {
          mkv.pause();
          done.tryFail(e);
          return;
        }
        if (tracks.tracks != null) {
          // the rest of the chunk is not needed: pausing a chunk stream releases it
          mkv.pause();
          reader.close();
          done.tryComplete(new FragmentInfo(header, new TrackSet(tracks.scale, tracks.tracks)));
        }
      });
      mkv.resume();
      return done.future();
    });
  }
}
