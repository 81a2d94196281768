package io.vidlog.playback.hls;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.live.LiveSubscription;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.KvsError;
import io.vidlog.media.ByteBudget;
import io.vidlog.media.mkv.MkvReader;
import java.math.BigInteger;
import java.util.function.Supplier;

/**
 * Reads one fragment's frames of one track into a {@link FragmentRepackaging} (or all its tracks
 * into a {@link TsRepackaging}): from the archive
 * when the fragment is stored, decrypted as it streams (the repackager keeps one copy of the
 * track's frames, the chunk's other bytes are dropped as they pass), or from the stream's live
 * window when the archive cannot give it: a fragment that has ended but is not durable yet, or a
 * stored one while the store is unreachable (docs/architecture.md "When the store is unreachable").
 * Either way one fragment's frames of one track are held for the request, never more.
 */
final class FragmentSource {
  /** How long a read from the live window may wait for its fragment's events. */
  static final long LIVE_READ_MILLIS = 10_000;

  private final Vertx vertx;
  private final FragmentArchive archive;
  private final LiveFeeds feeds;
  private final ByteBudget budget;

  /** @param budget what the frames held for all requests together may take */
  FragmentSource(Vertx vertx, FragmentArchive archive, LiveFeeds feeds, ByteBudget budget) {
    this.vertx = vertx;
    this.archive = archive;
    this.feeds = feeds;
    this.budget = budget;
  }

  /** One track of the fragment, from the archive or else the live window ({@link #storedOrLive}). */
  Future<FragmentRepackaging> read(StreamInfo stream, FragmentNumber number, int track) {
    return storedOrLive(stream, number, () -> new FragmentRepackaging(budget, track));
  }

  /** Every track of the fragment, as a transport stream segment's frames (MPEG_TS sessions). */
  Future<TsRepackaging> readTs(StreamInfo stream, FragmentNumber number) {
    return storedOrLive(stream, number, () -> new TsRepackaging(budget));
  }

  /**
   * The stored fragment; when the archive answers NOT_FOUND (not durable yet) or UNAVAILABLE (the
   * store is down, frozen or cut off), the fragment from the live window instead. The live window
   * holds every fragment that ended recently, stored or not, so a player at the live edge keeps
   * playing through a store outage. When the window does not hold it either, a store that was
   * unavailable is the answer (503, to retry), not the window's "no longer available" (404): the
   * fragment is not gone, only out of reach for now.
   */
  private <T extends Repackaging> Future<T> storedOrLive(StreamInfo stream, FragmentNumber number, Supplier<T> make) {
    return stored(stream, number, make).recover(e -> {
      if (StoreException.isNotFound(e)) {
        return live(stream, number, make);
      }
      if (StoreException.isUnavailable(e)) {
        return live(stream, number, make).recover(notLive -> Future.failedFuture(e));
      }
      return Future.failedFuture(e);
    });
  }

  private <T extends Repackaging> Future<T> stored(StreamInfo stream, FragmentNumber number, Supplier<T> make) {
    return archive.open(stream, number).compose(chunk -> {
      Promise<T> done = Promise.promise();
      T out = make.get();
      done.future().onFailure(e -> out.release());
      MkvReader reader = new MkvReader(out);
      ReadStream<Buffer> mkv = chunk.mkv();
      mkv.exceptionHandler(e -> {
        reader.close();
        done.tryFail(e);
      });
      mkv.handler(buf -> {
        try {
          reader.feed(((BufferInternal) buf).getByteBuf().nioBuffer());
        } catch (RuntimeException e) {
          mkv.pause();
          reader.close();
          done.tryFail(e);
        }
      });
      mkv.endHandler(v -> {
        if (done.future().isComplete()) {
          return;
        }
        try {
          reader.end();
          done.complete(out);
        } catch (RuntimeException e) {
          done.fail(e);
        } finally {
          reader.close();
        }
      });
      mkv.resume();
      return done.future();
    });
  }

  /**
   * The fragment from the stream's live window (it ended but may not be durable yet); fails with
   * ResourceNotFoundException when the window no longer holds it.
   */
  private <T extends Repackaging> Future<T> live(StreamInfo stream, FragmentNumber number, Supplier<T> make) {
    BigInteger n = new BigInteger(number.value());
    if (n.signum() <= 0) {
      return Future.failedFuture(gone(number));
    }
    Promise<T> done = Promise.promise();
    T out = make.get();
    done.future().onFailure(e -> out.release());
    LiveSubscription[] sub = new LiveSubscription[1];
    long timer = vertx.setTimer(LIVE_READ_MILLIS, id -> done.tryFail(gone(number)));
    sub[0] = feeds.feed(stream.streamId()).subscribe(new FragmentNumber(n.subtract(BigInteger.ONE).toString()), e -> {
      if (done.future().isComplete()) {
        return;
      }
      try {
        onLive(e, number, out, done);
      } catch (RuntimeException ex) {
        done.tryFail(ex);
      }
    }, cut -> done.tryFail(gone(number)));
    done.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (sub[0] != null) {
        sub[0].cancel();
      }
    });
    return done.future();
  }

  private static <T extends Repackaging> void onLive(LiveEvent e, FragmentNumber number, T out, Promise<T> done) {
    if (e.number().compareTo(number) != 0) {
      done.tryFail(gone(number)); // the window moved past it, or it was refused
    } else if (e instanceof LiveEvent.FragmentStart s) {
      TrackSet tracks = TrackSet.read(((BufferInternal) s.mkvHeader()).getByteBuf().nioBuffer());
      if (tracks == null) {
        done.tryFail(gone(number));
      } else {
        out.start(tracks.timecodeScaleNs(), s.clusterTimecode(), tracks.entries());
      }
    } else if (e instanceof LiveEvent.Frame f) {
      out.frame(f.trackNumber(), f.relativeTimecode(), f.flags(), ((BufferInternal) f.payload()).getByteBuf().nioBuffer());
    } else if (e instanceof LiveEvent.FragmentEnd) {
      done.tryComplete(out);
    } else {
      done.tryFail(gone(number));
    }
  }

  static RuntimeException gone(FragmentNumber number) {
    return KvsError.RESOURCE_NOT_FOUND.exception("Fragment " + number.value() + " is no longer available");
  }
}
