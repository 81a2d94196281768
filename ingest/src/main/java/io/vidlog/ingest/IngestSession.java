package io.vidlog.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.AckError;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvFrame;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PutMedia connection (kvs-api.md §1): reads the paused request as a stream into the body
 * parser, stores each fragment the {@link FragmentAssembler} accepts as a chunk, publishes every
 * frame to the stream's live feed as it is parsed, and writes the ack stream. The request is paused
 * while the store is behind (a chunk write in flight with the next one full, or too many fragments
 * waiting for their commit) or the client does not read its acks, so memory per connection stays
 * bounded whatever the fragment size. Confined to the request's event-loop context.
 */
final class IngestSession implements FragmentListener {
  private static final Logger LOG = LoggerFactory.getLogger(IngestSession.class);
  private static final long LINGER_MILLIS = 1_000;
  private static final long LINGER_BYTES = 4L << 20;

  /** What a session needs from the API that created it. */
  record Deps(Vertx vertx, IngestConfig config, FragmentArchive archive, LiveFeed live, FragmentSequencer sequencer,
      BodyParser.Factory mkvParser, BodyParser.Factory mp4Parser) {}

  private record Pending(Fragment fragment, Future<Void> done) {}

  private final Deps deps;
  private final Context context;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final StreamInfo stream;
  private final PutMediaHeaders headers;
  private final FragmentAssembler assembler;
  private final AckWriter acks;
  private final ArrayDeque<Pending> persisting = new ArrayDeque<>();
  private final long startedNanos = System.nanoTime();
  private Runnable onFinished = () -> {};
  private BodyParser parser;
  private long lastDataNanos = startedNanos;
  private long timerId = -1;
  private boolean paused;
  private boolean bodyEnded;
  private boolean stopping;
  private boolean finished;
  private boolean superseded;
  private boolean streamDeleted;
  private boolean ending;

  IngestSession(Deps deps, Context context, HttpServerRequest request, StreamInfo stream, PutMediaHeaders headers) {
    this.deps = deps;
    this.context = context;
    this.request = request;
    this.response = request.response();
    this.stream = stream;
    this.headers = headers;
    this.assembler = new FragmentAssembler(deps.config(), headers, System::currentTimeMillis, this);
    this.acks = new AckWriter(response);
  }

  StreamInfo stream() {
    return stream;
  }

  Context context() {
    return context;
  }

  /** Sends the 200 and starts reading the body; {@code onFinished} runs once when the session is over. */
  void start(Runnable onFinished) {
    this.onFinished = onFinished;
    response.setChunked(true).putHeader("Content-Type", "application/json");
    response.writeHead();
    response.drainHandler(v -> updateFlow());
    response.closeHandler(v -> clientGone("response closed"));
    request.exceptionHandler(e -> clientGone(e.getMessage()));
    request.handler(this::onData);
    request.endHandler(v -> onBodyEnd());
    long period = Math.max(1, deps.config().idleAckPeriod().toMillis());
    timerId = deps.vertx().setPeriodic(period, id -> onTimer());
    request.resume();
  }

  /** A newer connection for the same stream took over: finish the in-flight fragment, then close. */
  void supersede() {
    superseded = true;
    if (assembler.openFragment() == null) {
      assembler.abort(AckError.CONNECTION_SUPERSEDED, "a newer PutMedia connection took over");
      return;
    }
    long grace = Math.max(1, deps.config().idleAckPeriod().toMillis());
    deps.vertx().setTimer(grace, id -> context.runOnContext(v ->
        assembler.abort(AckError.CONNECTION_SUPERSEDED, "a newer PutMedia connection took over")));
  }

  /** The stream was deleted: the next fragment is answered with 4008 and the connection ends. */
  void streamDeleted() {
    streamDeleted = true;
  }

  private void onData(Buffer buffer) {
    if (stopping) {
      return;
    }
    lastDataNanos = System.nanoTime();
    ByteBuffer bytes = ((BufferInternal) buffer).getByteBuf().nioBuffer();
    try {
      if (parser == null) {
        parser = (isMp4(bytes) ? deps.mp4Parser() : deps.mkvParser()).create(assembler, context, this::updateFlow,
            this::storeBehind);
      }
      parser.feed(bytes);
    } catch (AckException e) {
      LOG.info("PutMedia {}: refused: {}", stream.streamName(), e.getMessage());
      assembler.abort(e.error(), e.getMessage());
    } catch (MediaFormatException e) {
      LOG.info("PutMedia {}: invalid media: {}", stream.streamName(), e.getMessage());
      assembler.abort(AckError.INVALID_MKV_DATA, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("PutMedia {}: internal error", stream.streamName(), e);
      assembler.abort(AckError.INTERNAL_ERROR, String.valueOf(e.getMessage()));
    }
    updateFlow();
  }

  private boolean isMp4(ByteBuffer first) {
    String type = request.getHeader("Content-Type");
    if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("video/mp4")) {
      return true;
    }
    int p = first.position();
    return first.remaining() >= 8 && first.get(p + 4) == 'f' && first.get(p + 5) == 't' && first.get(p + 6) == 'y'
        && first.get(p + 7) == 'p';
  }

  private void onBodyEnd() {
    bodyEnded = true;
    if (stopping) {
      maybeFinish();
      return;
    }
    endParser().onComplete(v -> stop());
  }

  /** Ends the parser (MP4: demuxes the spooled upload); completes on this context. */
  private Future<Void> endParser() {
    ending = true;
    Future<Void> end;
    try {
      end = parser == null ? Future.succeededFuture() : parser.end();
    } catch (RuntimeException e) {
      end = Future.failedFuture(e);
    }
    return end.transform(ar -> {
      if (ar.succeeded()) {
        assembler.finish();
      } else if (ar.cause() instanceof AckException e) {
        LOG.info("PutMedia {}: refused at the end of the body: {}", stream.streamName(), e.getMessage());
        assembler.abort(e.error(), e.getMessage());
      } else if (ar.cause() instanceof MediaFormatException e) {
        LOG.info("PutMedia {}: invalid media at the end of the body: {}", stream.streamName(), e.getMessage());
        assembler.abort(AckError.INVALID_MKV_DATA, e.getMessage());
      } else {
        LOG.warn("PutMedia {}: internal error at the end of the body", stream.streamName(), ar.cause());
        assembler.abort(AckError.INTERNAL_ERROR, String.valueOf(ar.cause().getMessage()));
      }
      return Future.succeededFuture();
    });
  }

  private void onTimer() {
    if (stopping || ending) {
      return;
    }
    if (paused && !acks.full()) {
      lastDataNanos = System.nanoTime(); // waiting for the store is not the producer being idle
      return;
    }
    long idle = System.nanoTime() - lastDataNanos;
    if (idle >= deps.config().idleTimeout().toNanos()) {
      LOG.info("PutMedia {}: no data for {} ms, closing", stream.streamName(), idle / 1_000_000L);
      endParser().onComplete(v -> stop());
    } else if (idle >= deps.config().idleAckPeriod().toNanos()) {
      acks.send(AckEvent.idle());
    }
  }

  // ---- FragmentListener: what the assembler decided ----

  @Override
  public AckError admit() {
    if (streamDeleted) {
      return AckError.STREAM_NOT_ACTIVE;
    }
    if (superseded) {
      return AckError.CONNECTION_SUPERSEDED;
    }
    if (System.nanoTime() - startedNanos > deps.config().maxConnectionDuration().toNanos()) {
      return AckError.MAX_CONNECTION_DURATION_REACHED;
    }
    return null;
  }

  @Override
  public void opened(Fragment f) {
    FragmentSequencer.Slot slot = deps.sequencer().mint(stream, f.serverTimestampMillis);
    f.slot = slot;
    f.number = slot.number;
    acks.send(AckEvent.of(AckEvent.Type.BUFFERING, f.clusterTimecode, f.number));
    if (stream.persists()) {
      f.chunk = new ChunkStream(deps.archive().begin(stream, f.number), context, deps.config().chunkWriteBytes(),
          this::updateFlow);
      f.chunk.append(f.prefix);
      f.chunk.append(ChunkMkv.clusterStart(f.clusterTimecode));
    }
    deps.live().publish(new LiveEvent.FragmentStart(f.number, f.serverTimestampMillis, f.producerTimestampMillis,
        f.clusterTimecode, f.prefix));
  }

  @Override
  public void frame(Fragment f, MkvFrame frame) {
    ByteBuffer payload = frame.payload();
    int flags = ChunkMkv.frameFlags(frame.flags());
    Buffer block = ChunkMkv.simpleBlockHeader(frame.trackNumber(), frame.relativeTimecode(), flags,
        payload.remaining());
    Buffer view = f.chunk != null ? f.chunk.appendBlock(block, payload) : ChunkStream.copyOf(payload);
    // the payload is this frame's own copy, never written again: the feed keeps it as it is
    deps.live().publishImmutable(new LiveEvent.Frame(f.number, frame.trackNumber(), frame.relativeTimecode(), flags,
        view));
  }

  @Override
  public void completed(Fragment f) {
    Buffer trailer = ChunkMkv.producerTags(f.postTags);
    ChunkHeader header = f.chunkHeader(f.mkvBytes + trailer.length());
    deps.live().publish(new LiveEvent.FragmentEnd(f.number, header, trailer, stream.persists()));
    acks.send(AckEvent.of(AckEvent.Type.RECEIVED, f.clusterTimecode, f.number));
    if (!stream.persists()) {
      deps.sequencer().skip(f.slot, null); // retention 0: live feed only, no PERSISTED (kvs-api.md §1.3)
      return;
    }
    f.chunk.append(trailer);
    FragmentSequencer.Slot slot = f.slot;
    Future<Void> done = f.chunk.commit(header).transform(ar -> {
      if (ar.failed()) {
        deps.sequencer().skip(slot, ar.cause());
      } else {
        deps.sequencer().ready(slot, stream, f.record(header));
      }
      return slot.indexed();
    });
    f.chunk = null;
    persisting.add(new Pending(f, done));
    done.onComplete(ar -> context.runOnContext(v -> drainPersisted()));
  }

  @Override
  public void rejected(Fragment f, AckError error) {
    LOG.info("PutMedia {}: fragment {} refused: {}", stream.streamName(), f.number, error);
    acks.send(AckEvent.error(error, f.clusterTimecode, f.number));
    if (f.chunk != null) {
      f.chunk.abort();
      f.chunk = null;
    }
    deps.sequencer().skip(f.slot, null);
    deps.live().publish(new LiveEvent.FragmentAborted(f.number, error.code()));
  }

  @Override
  public void failed(AckError error, Long timecode, String detail) {
    LOG.info("PutMedia {}: connection ends: {} {}", stream.streamName(), error, detail);
    if (error != null) {
      acks.send(AckEvent.error(error, timecode, null));
    }
    stop();
  }

  // ---- flow control and the end of the session ----

  private void drainPersisted() {
    while (!persisting.isEmpty() && persisting.peek().done().isComplete()) {
      Pending p = persisting.poll();
      if (p.done().succeeded()) {
        acks.send(AckEvent.of(AckEvent.Type.PERSISTED, p.fragment().clusterTimecode, p.fragment().number));
      } else {
        LOG.warn("PutMedia {}: fragment {} not persisted", stream.streamName(), p.fragment().number,
            p.done().cause());
        acks.send(AckEvent.error(AckError.ARCHIVAL_ERROR, p.fragment().clusterTimecode, p.fragment().number));
      }
    }
    updateFlow();
    maybeFinish();
  }

  private void updateFlow() {
    if (stopping) {
      return;
    }
    if (ending) {
      if (!storeBehind() && parser != null) {
        parser.resume(); // an MP4 upload is being demuxed: events flow while the store keeps up
      }
      return;
    }
    Fragment open = assembler.openFragment();
    boolean store = storeBehind();
    boolean behind = store || acks.full() || (parser != null && parser.behind());
    if (behind && !paused) {
      paused = true;
      request.pause();
    } else if (!behind && paused) {
      paused = false;
      request.resume();
    }
    if (!store && parser != null) {
      parser.resume();
    }
  }

  /** True while the store is behind: a chunk write in flight with the next full, or too many commits pending. */
  private boolean storeBehind() {
    Fragment open = assembler.openFragment();
    return (open != null && open.chunk != null && open.chunk.behind())
        || persisting.size() >= deps.config().maxPendingCommits();
  }

  /** No more input is read; the session finishes when every pending fragment has its final ack. */
  private void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    if (!bodyEnded) {
      request.pause();
    }
    maybeFinish();
  }

  private void maybeFinish() {
    if (!stopping || finished || !persisting.isEmpty()) {
      return;
    }
    finished = true;
    deps.vertx().cancelTimer(timerId);
    acks.end();
    if (parser != null) {
      try {
        parser.close();
      } catch (RuntimeException e) {
        LOG.warn("PutMedia {}: closing the body parser failed", stream.streamName(), e);
      }
    }
    if (!bodyEnded) {
      lingerThenClose();
    }
    onFinished.run();
  }

  /**
   * The body is still coming (an error, idle or takeover ended the session): read and drop it for a
   * moment before closing, because closing a socket with unread input sends a TCP reset that can
   * destroy the acks the client has not read yet. Bounded in time and bytes.
   */
  private void lingerThenClose() {
    long[] dropped = {0};
    request.handler(b -> {
      dropped[0] += b.length();
      if (dropped[0] > LINGER_BYTES) {
        request.connection().close();
      }
    });
    request.resume();
    deps.vertx().setTimer(LINGER_MILLIS, id -> {
      if (!bodyEnded) {
        request.connection().close();
      }
    });
  }

  private void clientGone(String why) {
    if (finished) {
      return;
    }
    LOG.info("PutMedia {}: client gone: {}", stream.streamName(), why);
    acks.closed();
    if (!stopping) {
      assembler.abort(AckError.STREAM_READ_ERROR, why);
    }
    stop();
  }
}
