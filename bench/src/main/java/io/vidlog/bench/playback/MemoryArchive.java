package io.vidlog.bench.playback;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plaintext chunks in memory, read back in 64 KB buffers on demand: a baseline that isolates the
 * playback path (tagging, back-pressure, HTTP) from the sealed store's reads and decryption.
 */
final class MemoryArchive implements FragmentArchive {
  private final FragmentArchive sealed;
  private final ConcurrentHashMap<FragmentNumber, BenchMedia.Chunk> chunks = new ConcurrentHashMap<>();

  MemoryArchive(FragmentArchive sealed) {
    this.sealed = sealed;
  }

  void put(BenchMedia.Chunk c) {
    chunks.put(c.header().number(), c);
  }

  @Override
  public ChunkWriter begin(StreamInfo stream, FragmentNumber number) {
    return sealed.begin(stream, number);
  }

  @Override
  public Future<ChunkReader> open(StreamInfo stream, FragmentNumber number) {
    BenchMedia.Chunk c = chunks.get(number);
    if (c == null) {
      return Future.failedFuture(new StoreException(StoreException.Kind.NOT_FOUND, "no chunk " + number));
    }
    Context context = Vertx.currentContext();
    return Future.succeededFuture(new ChunkReader() {
      @Override
      public ChunkHeader header() {
        return c.header();
      }

      @Override
      public ReadStream<Buffer> mkv() {
        return new Slices(context, c.mkv());
      }
    });
  }

  @Override
  public Future<ChunkHeader> header(StreamInfo stream, FragmentNumber number) {
    return sealed.header(stream, number);
  }

  @Override
  public Future<List<FragmentNumber>> list(StreamInfo stream, FragmentNumber after, int max) {
    return sealed.list(stream, after, max);
  }

  @Override
  public Future<Void> delete(StreamInfo stream, FragmentNumber number) {
    return sealed.delete(stream, number);
  }

  /** 64 KB slices of a buffer with fetch/pause; starts paused. */
  private static final class Slices implements ReadStream<Buffer> {
    private final Context context;
    private final Buffer data;
    private int position;
    private long demand;
    private boolean draining;
    private boolean ended;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;

    Slices(Context context, Buffer data) {
      this.context = context;
      this.data = data;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
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
    public ReadStream<Buffer> fetch(long n) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      context.runOnContext(v -> drain());
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
      endHandler = h;
      return this;
    }

    private void drain() {
      if (draining) {
        return;
      }
      draining = true;
      while (demand > 0 && !ended) {
        if (position == data.length()) {
          ended = true;
          endHandler.handle(null);
          break;
        }
        int end = Math.min(data.length(), position + 65536);
        Buffer b = data.slice(position, end);
        position = end;
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        handler.handle(b);
      }
      draining = false;
    }
  }
}
