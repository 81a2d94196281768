package io.vidlog.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vidlog.media.mkv.EbmlHeaderInfo;
import io.vidlog.media.mkv.MkvException;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.mp4.Mp4Demux;
import io.vidlog.media.mp4.Mp4Exception;
import io.vidlog.media.mp4.Mp4Limits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * An MP4 upload on {@code /putMedia} (Content-Type {@code video/mp4} or a body opening with
 * {@code ftyp}): the body is spooled to a temporary file with Vert.x's async file I/O (never to the
 * heap; progressive files keep their moov at the end), then demuxed on a named worker pool by the
 * media module ({@link Mp4Demux}: fragmented files streamed, progressive ones by sample table) and
 * converted by {@link Mp4ToMkv}. Events cross to the connection's event loop through a bounded
 * queue that is only drained while the store keeps up, so the worker waits for the store.
 */
final class Mp4Upload implements BodyParser {
  /** Largest MP4 spooled per upload. */
  static final long MAX_SPOOL_BYTES = 4L << 30;
  private static final int QUEUE_EVENTS = 256;
  private static final int QUEUE_BYTES = 8 << 20;

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final IngestConfig config;
  private final MkvHandler handler;
  private final Context context;
  private final Runnable onProgress;
  private final BooleanSupplier stalled;
  private final ArrayDeque<Buffer> early = new ArrayDeque<>();
  private final ArrayBlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(QUEUE_EVENTS);
  private final Semaphore queuedBytes = new Semaphore(QUEUE_BYTES);
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean closed;
  private boolean fileClosed;
  private Path spool;
  private AsyncFile file;
  private long spooled;
  private Throwable spoolFailure;
  private final Promise<AsyncFile> open = Promise.promise();

  Mp4Upload(Vertx vertx, WorkerExecutor workers, IngestConfig config, MkvHandler handler, Context context,
      Runnable onProgress, BooleanSupplier stalled) {
    this.vertx = vertx;
    this.workers = workers;
    this.config = config;
    this.handler = handler;
    this.context = context;
    this.onProgress = onProgress;
    this.stalled = stalled;
    vertx.fileSystem().createTempFile("vidlog-upload-", ".mp4")
        .compose(p -> {
          spool = Path.of(p);
          return vertx.fileSystem().open(p, new OpenOptions().setWrite(true).setTruncateExisting(true));
        })
        .onComplete(ar -> context.runOnContext(v -> opened(ar.result(), ar.cause())));
  }

  private void opened(AsyncFile f, Throwable failure) {
    if (failure != null) {
      spoolFailure = failure;
      open.tryFail(failure);
    } else if (closed) {
      f.close().onComplete(ar -> deleteSpool());
      return;
    } else {
      file = f;
      file.exceptionHandler(e -> spoolFailure = e);
      file.drainHandler(v -> onProgress.run());
      while (!early.isEmpty()) {
        file.write(early.poll());
      }
      open.tryComplete(f);
    }
    onProgress.run();
  }

  @Override
  public void feed(ByteBuffer bytes) {
    if (spoolFailure != null) {
      throw new IllegalStateException("spooling the upload failed", spoolFailure);
    }
    spooled += bytes.remaining();
    if (spooled > MAX_SPOOL_BYTES) {
      throw new MkvException(MkvException.Kind.UNSUPPORTED, spooled, "MP4 upload larger than " + MAX_SPOOL_BYTES
          + " bytes");
    }
    byte[] copy = new byte[bytes.remaining()];
    bytes.duplicate().get(copy);
    Buffer b = Buffer.buffer(copy);
    if (file == null) {
      early.add(b);
    } else {
      file.write(b);
    }
  }

  @Override
  public boolean behind() {
    return file == null ? !early.isEmpty() : file.writeQueueFull();
  }

  @Override
  public Future<Void> end() {
    Promise<Void> done = Promise.promise();
    whenOpen().compose(f -> {
      fileClosed = true;
      return f.close();
    }).onComplete(ar -> {
      if (ar.failed()) {
        context.runOnContext(v -> done.fail(ar.cause()));
        return;
      }
      workers.executeBlocking(() -> {
        demux(done);
        return null;
      }, false).onFailure(e -> context.runOnContext(v -> done.tryFail(e)));
    });
    return done.future();
  }

  private Future<AsyncFile> whenOpen() {
    return open.future();
  }

  /** Runs on a worker: demuxes the spool file and forwards its events to the event loop. */
  private void demux(Promise<Void> done) {
    Throwable failure = null;
    try {
      Mp4Limits limits = Mp4Limits.defaults();
      Mp4Demux.file(spool, limits, new Mp4ToMkv(new Forwarder(), config.mp4TargetFragment().toNanos(),
          config.maxFragmentDuration().toNanos()));
    } catch (Mp4Exception e) {
      failure = new MkvException(e.kind() == Mp4Exception.Kind.MALFORMED ? MkvException.Kind.MALFORMED
          : MkvException.Kind.UNSUPPORTED, e.offset(), "MP4: " + e.getMessage());
    } catch (CancellationException e) {
      failure = e;
    } catch (IOException | RuntimeException | Error e) {
      failure = e; // an Error too: the connection must end, never hang
    } finally {
      deleteSpool();
    }
    Throwable f = failure;
    try {
      post(() -> {
        if (f == null) {
          done.tryComplete();
        } else {
          done.tryFail(f);
        }
      }, 0);
    } catch (CancellationException e) {
      context.runOnContext(v -> done.tryFail(e));
    }
  }

  private void deleteSpool() {
    if (spool != null) {
      try {
        Files.deleteIfExists(spool);
      } catch (IOException e) {
        // a temp file left behind is removed with the temp dir
      }
    }
  }

  /** Worker side: waits for room in the queue (bounded in events and bytes), then schedules a pump. */
  private void post(Runnable event, int bytes) {
    int permits = Math.min(bytes, QUEUE_BYTES);
    try {
      while (!queuedBytes.tryAcquire(permits, 100, TimeUnit.MILLISECONDS)) {
        if (closed) {
          throw new CancellationException("connection closed");
        }
      }
      Runnable task = () -> {
        queuedBytes.release(permits);
        event.run();
      };
      while (!queue.offer(task, 100, TimeUnit.MILLISECONDS)) {
        if (closed) {
          queuedBytes.release(permits);
          throw new CancellationException("connection closed");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    }
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> pump());
    }
  }

  /** Event-loop side: delivers queued events while the store keeps up. */
  private void pump() {
    scheduled.set(false);
    for (int i = 0; i < QUEUE_EVENTS; i++) {
      if (closed || stalled.getAsBoolean()) {
        return; // resume() schedules again when the connection catches up
      }
      Runnable r = queue.poll();
      if (r == null) {
        return;
      }
      r.run();
    }
    schedule();
  }

  @Override
  public void resume() {
    if (!queue.isEmpty()) {
      schedule();
    }
  }

  @Override
  public void close() {
    closed = true;
    queue.clear();
    if (file != null && !fileClosed) {
      fileClosed = true;
      file.close().onComplete(ar -> deleteSpool());
    }
  }

  /** Forwards the converter's MKV events to the event loop, copying frame payloads once. */
  private final class Forwarder implements MkvHandler {
    @Override
    public void onEbmlHeader(EbmlHeaderInfo header) {
      post(() -> handler.onEbmlHeader(header), 0);
    }

    @Override
    public void onSegmentStart(long size) {
      post(() -> handler.onSegmentStart(size), 0);
    }

    @Override
    public void onInfo(SegmentInfo info, ByteBuffer raw) {
      post(() -> handler.onInfo(info, raw), 0);
    }

    @Override
    public void onTracks(List<TrackEntry> tracks, ByteBuffer raw) {
      post(() -> handler.onTracks(tracks, raw), 0);
    }

    @Override
    public void onClusterStart(long timecode, long size) {
      post(() -> handler.onClusterStart(timecode, size), 0);
    }

    @Override
    public void onFrame(MkvFrame f) {
      byte[] copy = new byte[f.payload().remaining()];
      f.payload().duplicate().get(copy);
      MkvFrame owned = new MkvFrame(f.trackNumber(), f.clusterTimecode(), f.relativeTimecode(), f.timecodeNs(),
          f.keyFrame(), f.flags(), f.durationTicks(), ByteBuffer.wrap(copy));
      post(() -> handler.onFrame(owned), copy.length);
    }

    @Override
    public void onClusterEnd() {
      post(handler::onClusterEnd, 0);
    }

    @Override
    public void onSegmentEnd() {
      post(handler::onSegmentEnd, 0);
    }
  }
}
