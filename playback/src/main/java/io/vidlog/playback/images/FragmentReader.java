package io.vidlog.playback.images;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvReader;

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
    return archive.open(stream, r.number()).compose(chunk -> {
      Promise<FrameCollector> done = Promise.promise();
      ReadStream<Buffer> source = chunk.mkv();
      MkvReader reader = new MkvReader(collector);
      source.exceptionHandler(e -> {
        reader.close();
        done.tryFail(e);
      });
      source.handler(buf -> {
        if (done.future().isComplete()) {
          return;
        }
        try {
          reader.feed(((BufferInternal) buf).getByteBuf().nioBuffer());
        } catch (MediaFormatException e) {
          source.pause();
          done.tryComplete(collector);
          return;
        }
        if (collector.enough()) {
          source.pause(); // the rest of the chunk is not read
          reader.close();
          done.tryComplete(collector);
        }
      });
      source.endHandler(v -> {
        if (!done.future().isComplete()) {
          try {
            reader.end();
          } catch (MediaFormatException e) {
            // a truncated chunk: what was read stays usable
          }
          done.tryComplete(collector);
        }
      });
      source.resume();
      return done.future();
    });
  }
}
