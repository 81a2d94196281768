package io.vidlog.fragmentstore.testing;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.concurrent.Executor;

/**
 * A ReadStream over a buffer in fixed slices, honouring pause/resume/fetch; starts paused like the
 * archive's. Slices are emitted on later turns of {@code later} (an event loop), never inside the
 * call that asked for them.
 */
public final class BufferReadStream implements ReadStream<Buffer> {
  private final Executor later;
  private final Buffer data;
  private final int slice;
  private int position;
  private long demand;
  private boolean ended;
  private boolean scheduled;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  /** Fails the stream after this many bytes (-1: never), to test mid-chunk store failures. */
  private final long failAfter;
  private Handler<Throwable> exceptionHandler;

  public BufferReadStream(Executor later, Buffer data, int slice, long failAfter) {
    this.later = later;
    this.data = data;
    this.slice = slice;
    this.failAfter = failAfter;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
    exceptionHandler = h;
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> h) {
    handler = h;
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    demand = Math.max(0, demand + amount < 0 ? Long.MAX_VALUE : demand + amount);
    schedule();
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> h) {
    endHandler = h;
    return this;
  }

  private void schedule() {
    if (!scheduled && !ended) {
      scheduled = true;
      later.execute(this::pump);
    }
  }

  private void pump() {
    scheduled = false;
    while (demand > 0 && !ended) {
      if (failAfter >= 0 && position >= failAfter) {
        ended = true;
        if (exceptionHandler != null) {
          exceptionHandler.handle(new IllegalStateException("injected store failure"));
        }
        return;
      }
      if (position >= data.length()) {
        ended = true;
        if (endHandler != null) {
          endHandler.handle(null);
        }
        return;
      }
      int end = Math.min(data.length(), position + slice);
      Buffer b = data.slice(position, end);
      position = end;
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      if (handler != null) {
        handler.handle(b);
      }
    }
  }
}
