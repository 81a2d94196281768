package io.vidlog.playback.images;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.playback.chunk.MkvFeed;

/**
 * Reads a stored chunk into a {@link FrameCollector} as it is decrypted, and stops reading as soon as
 * the collector has what it needs. A chunk that is not readable Matroska leaves the collector with
 * what it had (its pictures then fail as MEDIA_ERROR).
 */
final class FragmentReader {
  private final FragmentArchive archive;

  FragmentReader(FragmentArchive archive) {
    this.archive = archive;
  }

  /** The fragment's start on the {@code kind} clock: where its Cluster lies. */
  static long start(FragmentRecord r, TimestampKind kind) {
    return kind == TimestampKind.PRODUCER ? r.producerTimestampMillis() : r.serverTimestampMillis();
  }

  /** Fails only when the store does (NOT_FOUND for a fragment gone since it was listed). */
  Future<FrameCollector> read(StreamInfo stream, FragmentRecord r, FrameCollector collector) {
    return archive.open(stream, r.number()).compose(chunk -> MkvFeed.feed(chunk.mkv(), new MkvReader(collector),
        collector::enough).transform(ar -> {
          // a chunk that is not readable Matroska leaves what was read before the fault usable
          if (ar.succeeded() || ar.cause() instanceof MediaFormatException) {
            return Future.succeededFuture(collector);
          }
          return Future.failedFuture(ar.cause());
        }));
  }
}
