package io.vidlog.bench.ingest;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One camera-paced producer on an {@link Upload}: frames are due by the wall clock from its start
 * (a key frame opening each fragment, an end-of-fragment tag closing it), and are written only while
 * the connection's write queue has room, as a producer SDK does: its buffer fills, it does not grow
 * the socket's. A server that pushes back (or a generator short of CPU) shows as a backlog and an
 * achieved rate below the profile's, not as memory growing in the generator.
 */
public final class PacedCamera {

  /** What a camera sends: {@code frameBytes} every {@code frameMillis}, {@code framesPerFragment} per fragment. */
  public record Profile(int frameBytes, int frameMillis, int framesPerFragment) {
    /** The load test's camera: 10 frames/s of 50 kB (4 Mbit/s), 2 s fragments. */
    public static final Profile FOUR_MBIT = new Profile(50_000, 100, 20);

    /** 10 frames/s and 2 s fragments at {@code kbps} kbit/s of frames. */
    public static Profile kbps(int kbps) {
      return new Profile(Math.max(16, kbps * 1000 / 8 / 10), 100, 20);
    }

    public double bytesPerSecond() {
      return frameBytes * 1000.0 / frameMillis;
    }

    public long fragmentMillis() {
      return (long) frameMillis * framesPerFragment;
    }
  }

  final Upload upload;
  final long startNanos;
  final AtomicLong payloadBytes = new AtomicLong();
  private final Profile profile;
  private final Buffer payload;
  volatile long framesWritten;
  volatile long maxBacklogFrames;
  private long timecode;
  private long timerId = -1;

  /** Starts sending at {@code startNanos} (System.nanoTime) once {@link #start} is called. */
  public PacedCamera(Upload upload, long startNanos, Profile profile, Buffer payload) {
    this.upload = upload;
    this.startNanos = startNanos;
    this.profile = profile;
    this.payload = payload;
  }

  public Upload upload() {
    return upload;
  }

  /** Frame payload bytes written so far. */
  public long payloadBytes() {
    return payloadBytes.get();
  }

  /** Writes the stream header now, then a frame whenever one is due from {@code startNanos} on. */
  public void start(Vertx vertx) {
    upload.sendStreamHeader();
    upload.context.runOnContext(v -> vertx.setTimer(Math.max(1, (startNanos - System.nanoTime()) / 1_000_000), t ->
        timerId = vertx.setPeriodic(profile.frameMillis(), id -> pump())));
  }

  /** Sends no more frames (the connection stays open). */
  public void stop(Vertx vertx) {
    upload.context.runOnContext(v -> vertx.cancelTimer(timerId));
  }

  private long due() {
    return (System.nanoTime() - startNanos) / TimeUnit.MILLISECONDS.toNanos(profile.frameMillis()) + 1;
  }

  long backlogNow() {
    return Math.max(0, due() - framesWritten);
  }

  /** On the upload's context: writes every frame that is due, then waits for the timer or a drain. */
  void pump() {
    HttpClientRequest req = upload.request;
    long due = due();
    int perFragment = profile.framesPerFragment();
    while (framesWritten < due && !req.writeQueueFull() && upload.channel.isWritable()) {
      int i = (int) (framesWritten % perFragment);
      if (i == 0) {
        req.write(BenchMkv.clusterStart(timecode));
      }
      req.write(BenchMkv.frame(i * profile.frameMillis(), i == 0, payload));
      payloadBytes.addAndGet(profile.frameBytes());
      framesWritten++;
      if (i == perFragment - 1) {
        req.write(BenchMkv.END_OF_FRAGMENT);
        upload.lastByteWritten(timecode);
        timecode += profile.fragmentMillis();
      }
    }
    long backlog = due - framesWritten;
    if (backlog > maxBacklogFrames) {
      maxBacklogFrames = backlog;
    }
    if (backlog > 0) {
      req.drainHandler(v -> pump());
    }
  }
}
