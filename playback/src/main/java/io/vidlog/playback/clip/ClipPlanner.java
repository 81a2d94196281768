package io.vidlog.playback.clip;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.fmp4.ClipBuilder;
import io.vidlog.media.fmp4.ClipException;
import io.vidlog.media.fmp4.ClipMovie;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.playback.chunk.MkvFeed;
import java.util.ArrayList;
import java.util.List;

/**
 * The first reading of a clip's fragments (docs/wire-protocol.md §3.3): each stored chunk is
 * decrypted and parsed as it streams in, and only frame sizes and times are kept
 * ({@link ClipBuilder}); the result is the clip's header and exact length before any byte of the
 * response. A fragment gone since the index listed it (retention) is left out; a limit reached
 * ends the reading early.
 */
final class ClipPlanner {
  private final FragmentArchive archive;

  ClipPlanner(FragmentArchive archive) {
    this.archive = archive;
  }

  /** The planned clip and the fragments its payload comes from, in order. */
  record Plan(ClipMovie movie, List<FragmentRecord> fragments) {}

  /**
   * Reads the fragments one after the other. Fails with the KVS error the media deserves
   * (UnsupportedStreamMediaType, MissingCodecPrivateData, InvalidCodecPrivateData,
   * InvalidMediaFrame; ResourceNotFound when none is left) or a store failure.
   */
  Future<Plan> plan(StreamInfo stream, List<FragmentRecord> fragments, long[] clusterAtNs, ClipConfig config) {
    ClipBuilder builder = new ClipBuilder(new ClipBuilder.Limits(config.maxBytes(), config.maxSamples()));
    List<FragmentRecord> read = new ArrayList<>();
    Promise<Plan> done = Promise.promise();
    next(stream, fragments, clusterAtNs, 0, builder, read, done);
    return done.future();
  }

  private void next(StreamInfo stream, List<FragmentRecord> fragments, long[] at, int i, ClipBuilder builder,
      List<FragmentRecord> read, Promise<Plan> done) {
    if (i == fragments.size() || builder.full()) {
      if (read.isEmpty()) {
        done.fail(KvsError.RESOURCE_NOT_FOUND.exception("No fragments found in the requested time range"));
        return;
      }
      try {
        done.complete(new Plan(builder.build(), List.copyOf(read)));
      } catch (ClipException e) {
        done.fail(refusal(e));
      }
      return;
    }
    FragmentRecord r = fragments.get(i);
    archive.open(stream, r.number()).onComplete(open -> {
      if (open.failed()) {
        if (StoreException.isNotFound(open.cause())) {
          next(stream, fragments, at, i + 1, builder, read, done); // expired since it was listed
        } else {
          done.fail(open.cause());
        }
        return;
      }
      MkvHandler handler = builder.fragment(at[i]);
      read.add(r);
      readWhole(open.result().mkv(), new MkvReader(handler)).onComplete(whole -> {
        if (whole.failed()) {
          done.fail(whole.cause() instanceof ClipException e ? refusal(e) : whole.cause());
        } else {
          next(stream, fragments, at, i + 1, builder, read, done);
        }
      });
    });
  }

  /** Reads a chunk whole into {@code reader}; malformed Matroska becomes InvalidMediaFrame. */
  static Future<Void> readWhole(ReadStream<Buffer> source, MkvReader reader) {
    return MkvFeed.feed(source, reader, () -> false).transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture();
      }
      Throwable e = ar.cause();
      return Future.failedFuture(e instanceof MediaFormatException || e instanceof ClipException
          ? mediaFailure((RuntimeException) e) : e);
    });
  }

  private static RuntimeException mediaFailure(RuntimeException e) {
    return e instanceof ClipException c ? c : KvsError.INVALID_MEDIA_FRAME.exception(
        "A stored fragment cannot be read as Matroska: " + e.getMessage());
  }

  /** GetClip's documented errors for what is wrong with the media (docs/wire-protocol.md §3.3). */
  static KvsException refusal(ClipException e) {
    KvsError error = switch (e.reason()) {
      case NO_VIDEO, CODEC_CHANGED -> KvsError.UNSUPPORTED_STREAM_MEDIA_TYPE;
      case MISSING_CODEC_PRIVATE -> KvsError.MISSING_CODEC_PRIVATE_DATA;
      case INVALID_CODEC_PRIVATE -> KvsError.INVALID_CODEC_PRIVATE_DATA;
      case INVALID_FRAME, FRAGMENT_CHANGED -> KvsError.INVALID_MEDIA_FRAME;
    };
    return error.exception(e.getMessage());
  }
}
