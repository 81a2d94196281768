package io.vidlog.playback.clip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.fmp4.ClipException;
import io.vidlog.media.fmp4.ClipMovie;
import io.vidlog.media.mkv.MkvReader;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GetClip response (docs/wire-protocol.md §3.3): {@code 200}, {@code Content-Type: video/mp4}
 * and the exact {@code Content-Length}, the planned header, then each fragment's frame payloads
 * from its second reading, written as the chunk is decrypted and parsed and paused whenever the
 * socket's write queue is full (Vert.x's pipe protocol), so a clip never sits in memory. Should a
 * fragment fail or differ from its first reading once bytes are out, the response is reset: the
 * client sees a body shorter than announced, never a wrong one.
 */
final class ClipTransfer {
  private static final Logger LOG = LoggerFactory.getLogger(ClipTransfer.class);
  /** Payloads are gathered into writes of about this size (one frame per write would cost a syscall each). */
  private static final int WRITE_SIZE = 64 * 1024;

  private final FragmentArchive archive;
  private final StreamInfo stream;
  private final ClipPlanner.Plan plan;
  private final HttpServerResponse response;
  private final Promise<Void> done = Promise.promise();
  private ByteBuf pending = Unpooled.buffer(WRITE_SIZE);
  private ReadStream<Buffer> source;
  private long written;
  private boolean closed;

  ClipTransfer(FragmentArchive archive, StreamInfo stream, ClipPlanner.Plan plan, HttpServerResponse response) {
    this.archive = archive;
    this.stream = stream;
    this.plan = plan;
    this.response = response;
  }

  /** Sends the clip; the future completes when the response has ended (or was reset). */
  io.vertx.core.Future<Void> start() {
    ClipMovie movie = plan.movie();
    response.closeHandler(v -> abandon());
    response.setStatusCode(200);
    response.putHeader(HttpHeaders.CONTENT_TYPE, "video/mp4");
    response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(movie.length()));
    ByteBuffer header = movie.header();
    written += header.remaining();
    response.write(BufferInternal.buffer(Unpooled.wrappedBuffer(header)));
    next(0);
    return done.future();
  }

  private void next(int i) {
    if (closed) {
      return;
    }
    ClipMovie movie = plan.movie();
    while (i < movie.fragmentCount() && movie.payloadBytes(i) == 0) {
      i++; // a fragment past a limit has nothing in the clip
    }
    if (i == movie.fragmentCount()) {
      if (written != movie.length()) {
        fail(new IllegalStateException(written + " bytes written for a clip of " + movie.length()));
        return;
      }
      closed = true;
      response.end();
      done.tryComplete();
      return;
    }
    int index = i;
    FragmentRecord r = plan.fragments().get(index);
    archive.open(stream, r.number()).onComplete(open -> {
      if (closed) {
        return;
      }
      if (open.failed()) {
        fail(open.cause());
        return;
      }
      ClipMovie.Payloads payloads = movie.payloads(index, this::collect);
      MkvReader reader = new MkvReader(payloads);
      ReadStream<Buffer> fragment = open.result().mkv();
      source = fragment;
      source.exceptionHandler(e -> {
        reader.close();
        fail(e);
      });
      source.handler(buf -> {
        if (closed) {
          return;
        }
        try {
          reader.feed(((BufferInternal) buf).getByteBuf().nioBuffer());
        } catch (MediaFormatException | ClipException e) {
          fail(e);
          return;
        }
        flush(false);
        if (response.writeQueueFull()) {
          fragment.pause();
          // The queue may drain after this fragment has ended and the next is being opened (source
          // is then null or the next one, which resumes itself): only this fragment is resumed.
          response.drainHandler(v -> {
            if (!closed && source == fragment) {
              fragment.resume();
            }
          });
        }
      });
      source.endHandler(v -> {
        if (closed) {
          return;
        }
        try {
          reader.end();
          payloads.finish();
        } catch (MediaFormatException | ClipException e) {
          fail(e);
          return;
        }
        flush(true);
        source = null;
        next(index + 1);
      });
      source.resume();
    });
  }

  /**
   * One planned frame's payload (a view valid during the call), copied into writes of at most
   * {@link #WRITE_SIZE}: the write queue counts messages as well as bytes, and a frame of many MB
   * in one message would sail past its high-water mark.
   */
  private void collect(ByteBuffer payload) {
    ByteBuffer p = payload.duplicate();
    while (p.hasRemaining()) {
      int n = Math.min(p.remaining(), WRITE_SIZE - pending.readableBytes());
      pending.writeBytes(p.slice(p.position(), n));
      p.position(p.position() + n);
      if (pending.readableBytes() >= WRITE_SIZE) {
        flush(true);
      }
    }
  }

  private void flush(boolean always) {
    if (pending.readableBytes() > 0 && (always || pending.readableBytes() >= WRITE_SIZE / 4)) {
      written += pending.readableBytes();
      response.write(BufferInternal.buffer(pending));
      pending = Unpooled.buffer(WRITE_SIZE);
    }
  }

  private void fail(Throwable cause) {
    if (closed) {
      return;
    }
    LOG.warn("GetClip on stream {} stopped after {} bytes: {}", stream.streamName(), written, cause.toString());
    done.tryFail(cause);
    abandon();
    response.reset();
  }

  /** The client went away (or the transfer failed): nothing more is read or decrypted. */
  private void abandon() {
    if (!closed) {
      closed = true;
      if (source != null) {
        source.pause();
      }
      done.tryFail(new IllegalStateException("the client closed the connection"));
    }
  }
}
