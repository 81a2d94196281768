package io.vidlog.playback.images;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.KvsError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stream's newest picture for the web player's stream list: the first key frame of its newest
 * stored fragment, decoded with the GetImages machinery (docs/wire-protocol.md §3.4 "Thumbnails")
 * and kept as JPEG. One decode per stream, width and fragment: the cache answers every later call
 * until a newer fragment is stored, and concurrent calls for the same picture share one decode.
 */
public final class Thumbnails {
  /** JPEG quality of a thumbnail. */
  static final int QUALITY = 75;

  /** A stream's newest picture and where it comes from. */
  public record Thumbnail(byte[] jpeg, String fragmentNumber, long producerTimestampMillis,
      long serverTimestampMillis) {}

  private record Key(String streamId, int width) {}

  private record Entry(String fragmentNumber, Future<Thumbnail> picture) {}

  private final TimeIndex index;
  private final FragmentReader reader;
  private final WorkerExecutor workers;
  private final long maxFragmentBytes;
  private final Map<Key, Entry> cache;
  private final java.util.concurrent.atomic.AtomicInteger decodes = new java.util.concurrent.atomic.AtomicInteger();

  Thumbnails(TimeIndex index, FragmentReader reader, WorkerExecutor workers, ImagesConfig config) {
    this.index = index;
    this.reader = reader;
    this.workers = workers;
    this.maxFragmentBytes = config.maxFragmentBytes();
    int capacity = config.thumbnailCacheEntries();
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * The newest picture of {@code stream}, {@code width} pixels wide (0: as coded), as JPEG.
   * Fails with ResourceNotFoundException when the stream has no stored fragment with H.264 video,
   * NoDataRetentionException when it keeps nothing.
   */
  public Future<Thumbnail> newest(StreamInfo stream, int width) {
    if (!stream.persists()) {
      return Future.failedFuture(KvsError.NO_DATA_RETENTION.exception("Stream " + stream.streamName()
          + " keeps no data (DataRetentionInHours is 0)"));
    }
    return index.latest(stream).compose(latest -> {
      if (latest == null) {
        return Future.failedFuture(KvsError.RESOURCE_NOT_FOUND.exception("Stream " + stream.streamName()
            + " has no stored fragment yet"));
      }
      Key key = new Key(stream.streamId(), width);
      String number = latest.number().value();
      synchronized (cache) {
        Entry e = cache.get(key);
        if (e != null && e.fragmentNumber().equals(number) && !e.picture().failed()) {
          return e.picture();
        }
        Future<Thumbnail> made = make(stream, latest, width);
        cache.put(key, new Entry(number, made));
        return made;
      }
    });
  }

  private Future<Thumbnail> make(StreamInfo stream, FragmentRecord r, int width) {
    FrameCollector collector = new FrameCollector(r.producerTimestampMillis(), Long.MAX_VALUE, maxFragmentBytes, true);
    return reader.read(stream, r, collector).compose(c -> workers.executeBlocking(() -> {
      decodes.incrementAndGet();
      if (c.problem() != FrameCollector.Problem.NONE || c.frames().isEmpty()) {
        throw KvsError.RESOURCE_NOT_FOUND.exception("The newest fragment of stream " + stream.streamName()
            + " has no H.264 key frame");
      }
      List<FramePictures.Answer> answers = FramePictures.pictures(c.codecPrivate(), c.frames().subList(0, 1),
          new long[] {c.frames().get(0).timeMillis()}, new FramePictures.Budget(1), true);
      if (answers.isEmpty() || answers.get(0).failed()) {
        throw KvsError.RESOURCE_NOT_FOUND.exception("The newest key frame of stream " + stream.streamName()
            + " cannot be decoded");
      }
      byte[] jpeg = ImageEncoder.encode(answers.get(0).picture(),
          new ImageEncoder.Spec(ImageEncoder.Format.JPEG, width, 0, QUALITY));
      return new Thumbnail(jpeg, r.number().value(), r.producerTimestampMillis(), r.serverTimestampMillis());
    }, false));
  }

  /** Pictures decoded so far (tests: a cached thumbnail is not decoded again). */
  int decodes() {
    return decodes.get();
  }
}
