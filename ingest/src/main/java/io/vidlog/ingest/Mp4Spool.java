package io.vidlog.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vidlog.kvs.AckError;
import io.vidlog.media.ByteBudget;
import io.vidlog.media.mkv.EbmlHeaderInfo;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.mp4.Mp4Demux;
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
 * A progressive MP4 upload (no {@code mvex}; moov at the end, or at the start): its samples can
 * only be found through the moov's sample tables, so the body is spooled to a temporary file with
 * Vert.x's async file I/O (never to the heap, at most {@link IngestConfig#maxMp4SpoolBytes()}),
 * sealed segment by segment under a key only this upload knows ({@link SealedSpool}: no plaintext
 * byte of the upload reaches the disk), then demuxed through a decrypting view on a named worker
 * pool ({@link Mp4Demux#channel}) and converted by {@link Mp4ToMkv}.
 * Events cross to the connection's event loop through a queue bounded in events and bytes that is
 * only drained while the store keeps up, so the worker waits for the store. The temporary file is
 * deleted in every outcome: demuxed, refused, over the cap, or the client gone.
 */
final class Mp4Spool implements BodyParser {
  private static final String PREFIX = "vidlog-upload-";
  private static final String SUFFIX = ".spool";
  private static final int QUEUE_EVENTS = 256;
  private static final int QUEUE_BYTES = 8 << 20;

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final IngestConfig config;
  private final MkvHandler handler;
  private final Context context;
  private final Runnable onProgress;
  private final BooleanSupplier stalled;
  private final ByteBudget budget;
  private final SealedSpool sealed = new SealedSpool("MP4 upload spool");
  /** Sealed segments ready before the file is open. */
  private final ArrayDeque<Buffer> early = new ArrayDeque<>();
  private final ArrayBlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(QUEUE_EVENTS);
  private final Semaphore queuedBytes = new Semaphore(QUEUE_BYTES);
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicBoolean deleted = new AtomicBoolean();
  private final Promise<AsyncFile> open = Promise.promise();
  private volatile boolean closed;
  private volatile Path spool;
  private boolean fileClosed;
  private AsyncFile file;
  private Throwable spoolFailure;

  /**
   * Makes the spool directory and removes the spool files a killed process left in it: their
   * uploads were cut short, only fragments already acknowledged from them count, and the keys that
   * could open them died with the process.
   */
  static void prepareDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (var stale = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path p : stale) {
        Files.deleteIfExists(p);
      }
    }
  }

  Mp4Spool(Vertx vertx, WorkerExecutor workers, IngestConfig config, MkvHandler handler, Context context,
      Runnable onProgress, BooleanSupplier stalled, ByteBudget budget) {
    this.vertx = vertx;
    this.budget = budget;
    this.workers = workers;
    this.config = config;
    this.handler = handler;
    this.context = context;
    this.onProgress = onProgress;
    this.stalled = stalled;
    FileSystem fs = vertx.fileSystem();
    // Files.createTempFile underneath: mode 0600 on POSIX, so other local users cannot read uploads
    Future<String> created = config.mp4SpoolDir() == null ? fs.createTempFile(PREFIX, SUFFIX, (String) null)
        : fs.createTempFile(config.mp4SpoolDir().toString(), PREFIX, SUFFIX, (String) null);
    created.compose(p -> {
      spool = Path.of(p);
      return fs.open(p, new OpenOptions().setWrite(true).setTruncateExisting(true));
    }).onComplete(ar -> context.runOnContext(v -> opened(ar.result(), ar.cause())));
  }

  private void opened(AsyncFile f, Throwable failure) {
    if (failure != null) {
      spoolFailure = failure;
      early.clear();
      deleteLater();
      open.tryFail(failure);
    } else if (closed) {
      f.close().onComplete(ar -> deleteLater());
      open.tryFail(new CancellationException("connection closed"));
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
    if (sealed.length() + bytes.remaining() > config.maxMp4SpoolBytes()) {
      close(); // the temporary file goes now, not when the last ack is out
      throw new AckException(AckError.MAX_UPLOAD_SIZE_REACHED, "progressive MP4 upload larger than "
          + config.maxMp4SpoolBytes() + " bytes (maxMp4SpoolBytes); fragmented MP4 is streamed without this limit");
    }
    sealed.add(bytes.duplicate(), this::write);
  }

  /** A sealed segment, in file order. */
  private void write(Buffer segment) {
    if (file == null) {
      early.add(segment);
    } else {
      file.write(segment);
    }
  }

  @Override
  public boolean behind() {
    if (spoolFailure != null || closed) {
      return false; // let the next bytes arrive so that feed reports the failure
    }
    return file == null ? !early.isEmpty() : file.writeQueueFull();
  }

  @Override
  public Future<Void> end() {
    Promise<Void> done = Promise.promise();
    Buffer last = sealed.finish();
    open.future().compose(f -> {
      f.write(last);
      fileClosed = true;
      return f.close();
    }).onComplete(ar -> {
      Throwable failure = ar.failed() ? ar.cause() : spoolFailure;
      if (failure != null || closed) {
        deleteLater();
        context.runOnContext(v -> done.tryFail(failure != null ? failure : new CancellationException("closed")));
        return;
      }
      workers.executeBlocking(() -> {
        demux(done);
        return null;
      }, false).onFailure(e -> {
        deleteLater();
        context.runOnContext(v -> done.tryFail(e));
      });
    });
    return done.future();
  }

  /** Runs on a worker: demuxes the spool file and forwards its events to the event loop. */
  private void demux(Promise<Void> done) {
    Throwable failure = null;
    try {
      if (closed) {
        throw new CancellationException("connection closed");
      }
      Mp4Demux.channel(sealed.reader(spool), Mp4Limits.defaults(), budget, new Mp4ToMkv(new Forwarder(),
          config.mp4TargetFragment().toNanos(), config.maxFragmentDuration().toNanos()));
    } catch (IOException | RuntimeException | Error e) {
      failure = e; // an Error too: the connection must end, never hang
    } finally {
      deleteNow();
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

  /** Worker side: blocking delete. */
  private void deleteNow() {
    Path p = spool;
    if (p != null && deleted.compareAndSet(false, true)) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a temp file left behind is removed with the temp dir
      }
    }
  }

  /** Event-loop side: the delete runs on Vert.x's blocking pool. */
  private void deleteLater() {
    Path p = spool;
    if (p != null && deleted.compareAndSet(false, true)) {
      vertx.fileSystem().delete(p.toString());
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
    if (closed) {
      return;
    }
    closed = true;
    queue.clear();
    early.clear();
    if (file != null && !fileClosed) {
      fileClosed = true;
      file.close().onComplete(ar -> deleteLater());
    }
    // not open yet: opened() closes and deletes; demuxing: the worker deletes when it stops
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
