package io.vidlog.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.AckError;
import io.vidlog.media.mkv.MkvFrame;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PutMedia connection (docs/wire-protocol.md §1) as an explicit state machine ({@link Phase}). It reads the
 * request body into the body parser, whose events the {@link FragmentAssembler} turns into
 * fragments, and hands each concern to a collaborator: where fragments go ({@link FragmentSink}),
 * the ack stream and its order ({@link AckStream}), which ErrorId a failure gets
 * ({@link AckErrors}), back-pressure and the producer's activity ({@link FlowControl}). A periodic
 * tick sends IDLE acks and ends a connection whose producer stayed silent. Confined to the
 * request's event-loop context, except {@link #producerActive}, which the takeover rule asks from
 * any thread.
 */
final class IngestSession implements FragmentListener {
  private static final Logger LOG = LoggerFactory.getLogger(IngestSession.class);

  /**
   * Where a session is in its life. It only moves forward, along {@link #canMoveTo}:
   * NEW → STREAMING → (ENDING →) DRAINING → FINISHED.
   */
  enum Phase {
    /** Made, not started: nothing sent, nothing read. */
    NEW,
    /** The 200 is out and the body is read into the parser (paused while something is behind). */
    STREAMING,
    /**
     * The body ended, or the producer stayed silent past the idle timeout: the parser delivers what
     * it still holds (a spooled progressive MP4 is demuxed now) and no more input is read.
     */
    ENDING,
    /**
     * No more input, the parser is closed (its buffers released at once): the session waits until
     * every fragment it received has its final ack (PERSISTED, or ERROR).
     */
    DRAINING,
    /** The ack stream is ended and the stream is released. */
    FINISHED;

    boolean canMoveTo(Phase next) {
      return switch (this) {
        case NEW -> next == STREAMING;
        case STREAMING -> next == ENDING || next == DRAINING;
        case ENDING -> next == DRAINING;
        case DRAINING -> next == FINISHED;
        case FINISHED -> false;
      };
    }
  }

  /** What a session needs from the API that created it; the clocks are {@code System}'s outside tests. */
  record Deps(Vertx vertx, IngestConfig config, FragmentArchive archive, LiveFeed live, FragmentSequencer sequencer,
      BodyParser.Factory mkvParser, BodyParser.Factory mp4Parser, LongSupplier nanoClock, LongSupplier millisClock,
      LongConsumer persistedNanos, StoreFailureLog storeFailures) {}

  private final Deps deps;
  private final Context context;
  private final PutMediaExchange exchange;
  private final StreamInfo stream;
  private final FragmentAssembler assembler;
  private final FragmentSink sink;
  private final AckStream acks;
  private final FlowControl flow;
  private final long startedNanos;
  private volatile Phase phase = Phase.NEW;
  private Runnable onFinished = () -> { };
  private BodyParser parser;
  /** The answer to the next fragment when the connection must not take more (4008 after a delete). */
  private AckError refuseNext;
  private long timerId = -1;

  IngestSession(Deps deps, Context context, PutMediaExchange exchange, StreamInfo stream, PutMediaHeaders headers) {
    this.deps = deps;
    this.context = context;
    this.exchange = exchange;
    this.stream = stream;
    this.startedNanos = deps.nanoClock().getAsLong();
    this.assembler = new FragmentAssembler(deps.config(), headers, deps.millisClock(), this);
    this.sink = new FragmentSink(stream, deps.archive(), deps.live(), deps.sequencer(), context,
        deps.config().chunkWriteBytes(), this::updateFlow);
    this.acks = new AckStream(exchange, context, stream.streamName(), this::onAcksSent, deps.storeFailures());
    this.flow = new FlowControl(exchange, deps.nanoClock());
  }

  StreamInfo stream() {
    return stream;
  }

  Context context() {
    return context;
  }

  Phase phase() {
    return phase;
  }

  /** Sends the 200 and starts reading the body; {@code onFinished} runs once when the session is over. */
  void start(Runnable onFinished) {
    moveTo(Phase.STREAMING);
    this.onFinished = onFinished;
    exchange.start(this::onData, this::onBodyEnd, this::clientGone, this::updateFlow);
    long period = Math.max(1, deps.config().idleAckPeriod().toMillis());
    timerId = deps.vertx().setPeriodic(period, id -> tick());
    updateFlow();
  }

  /**
   * The takeover rule's question (README "One producer per stream"): is this connection's producer
   * still streaming? Only a STREAMING session counts, and only while its producer has sent a byte
   * within {@code silenceNanos}. Safe from any thread.
   */
  boolean producerActive(long silenceNanos) {
    return phase == Phase.STREAMING && flow.silentNanos() < silenceNanos;
  }

  /**
   * A newer connection took the stream over from this silent one: the fragment cut short is dropped
   * with ErrorId 4000 CONNECTION_SUPERSEDED, sent after the final acks of the fragments before it,
   * and the connection ends. A session that no longer reads input finishes on its own.
   */
  void supersede() {
    if (phase != Phase.STREAMING) {
      return;
    }
    LOG.info("PutMedia {}: silent for {} ms, a newer connection took over", stream.streamName(),
        flow.silentNanos() / 1_000_000L);
    assembler.abort(AckError.CONNECTION_SUPERSEDED, "a newer PutMedia connection took over");
    stop();
  }

  /** The stream was deleted: the next fragment is answered with 4008 and the connection ends. */
  void streamDeleted() {
    refuseNext = AckError.STREAM_NOT_ACTIVE;
  }

  /** The periodic timer: an IDLE ack while the producer is silent, the end of the body after the idle timeout. */
  void tick() {
    if (phase != Phase.STREAMING) {
      return;
    }
    long silent = flow.silentNanos();
    if (silent >= deps.config().idleTimeout().toNanos()) {
      LOG.info("PutMedia {}: no data for {} ms, closing", stream.streamName(), silent / 1_000_000L);
      end();
    } else if (silent >= deps.config().idleAckPeriod().toNanos()) {
      acks.now(AckEvent.idle());
    }
  }

  private void onData(ByteBuffer bytes) {
    if (phase != Phase.STREAMING) {
      return; // the session reads no more input (it is ending, or lingers before the close)
    }
    flow.received();
    try {
      if (parser == null) {
        parser = (isMp4(bytes) ? deps.mp4Parser() : deps.mkvParser()).create(assembler, context, this::updateFlow,
            this::storeBehind);
      }
      sink.receiving(bytes);
      try {
        parser.feed(bytes);
      } finally {
        sink.receiving(null);
      }
    } catch (RuntimeException e) {
      assembler.abort(AckErrors.of(e, stream.streamName()), String.valueOf(e.getMessage()));
    }
    updateFlow();
  }

  private boolean isMp4(ByteBuffer first) {
    String type = exchange.contentType();
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("video/mp4")) {
      return true;
    }
    int p = first.position();
    return first.remaining() >= 8 && first.get(p + 4) == 'f' && first.get(p + 5) == 't' && first.get(p + 6) == 'y'
        && first.get(p + 7) == 'p';
  }

  private void onBodyEnd() {
    if (phase == Phase.STREAMING) {
      end();
    }
  }

  /** STREAMING → ENDING: the parser delivers what it holds, then the open fragment completes. */
  private void end() {
    moveTo(Phase.ENDING);
    Future<Void> ended;
    try {
      ended = parser == null ? Future.succeededFuture() : parser.end();
    } catch (RuntimeException e) {
      ended = Future.failedFuture(e);
    }
    updateFlow();
    // BodyParser.end completes on this context
    ended.onComplete(ar -> {
      if (phase != Phase.ENDING) {
        return; // the client went away meanwhile
      }
      if (ar.succeeded()) {
        assembler.finish();
      } else {
        assembler.abort(AckErrors.of(ar.cause(), stream.streamName()), String.valueOf(ar.cause().getMessage()));
      }
      stop();
    });
  }

  // ---- FragmentListener: what the assembler decided ----

  @Override
  public AckError admit() {
    if (refuseNext != null) {
      return refuseNext;
    }
    if (deps.nanoClock().getAsLong() - startedNanos > deps.config().maxConnectionDuration().toNanos()) {
      return AckError.MAX_CONNECTION_DURATION_REACHED;
    }
    return null;
  }

  @Override
  public void opened(OpenFragment f) {
    sink.open(f);
    acks.now(AckEvent.of(AckEvent.Type.BUFFERING, f.clusterTimecode, f.number));
  }

  @Override
  public void frame(OpenFragment f, MkvFrame frame) {
    sink.frame(f, frame);
  }

  @Override
  public void completed(OpenFragment f) {
    long completedAt = deps.nanoClock().getAsLong();
    Future<Void> durable = sink.complete(f);
    acks.now(AckEvent.of(AckEvent.Type.RECEIVED, f.clusterTimecode, f.number));
    if (durable != null) {
      durable.onSuccess(v -> deps.persistedNanos().accept(deps.nanoClock().getAsLong() - completedAt));
      acks.afterCommit(durable, f.clusterTimecode, f.number);
    }
  }

  @Override
  public void rejected(OpenFragment f, AckError error) {
    LOG.info("PutMedia {}: fragment {} refused: {}", stream.streamName(), f.number, error);
    sink.reject(f, error);
    acks.error(AckEvent.error(error, f.clusterTimecode, f.number));
  }

  @Override
  public void failed(AckError error, Long timecode, String detail) {
    LOG.info("PutMedia {}: connection ends: {} {}", stream.streamName(), error, detail);
    if (error != null) {
      acks.error(AckEvent.error(error, timecode, null));
    }
    stop();
  }

  // ---- flow control and the end of the session ----

  private void onAcksSent() {
    updateFlow();
    maybeFinish();
  }

  private void updateFlow() {
    switch (phase) {
      case STREAMING -> {
        boolean store = storeBehind();
        flow.update(store, acks.full(), parser != null && parser.behind());
        if (!store && parser != null) {
          parser.resume();
        }
      }
      case ENDING -> {
        flow.stop();
        if (!storeBehind() && parser != null) {
          parser.resume(); // a spooled MP4 upload is being demuxed: events flow while the store keeps up
        }
      }
      default -> { }
    }
  }

  /** True while the store is behind: a chunk write in flight with the next full, or too many commits pending. */
  private boolean storeBehind() {
    return sink.behind(assembler.openFragment()) || acks.pendingCommits() >= deps.config().maxPendingCommits();
  }

  /** STREAMING or ENDING → DRAINING: no more input; the parser's buffers go now, not when the last ack is out. */
  private void stop() {
    if (phase != Phase.STREAMING && phase != Phase.ENDING) {
      return;
    }
    moveTo(Phase.DRAINING);
    flow.stop();
    if (parser != null) {
      try {
        parser.close();
      } catch (RuntimeException e) {
        LOG.warn("PutMedia {}: closing the body parser failed", stream.streamName(), e);
      }
    }
    maybeFinish();
  }

  /** DRAINING → FINISHED once every received fragment has its final ack. */
  private void maybeFinish() {
    if (phase != Phase.DRAINING || !acks.settled()) {
      return;
    }
    moveTo(Phase.FINISHED);
    deps.vertx().cancelTimer(timerId);
    acks.end();
    if (!exchange.bodyEnded()) {
      exchange.discardRestThenClose();
    }
    onFinished.run();
  }

  private void clientGone(String why) {
    if (phase == Phase.FINISHED) {
      return;
    }
    LOG.info("PutMedia {}: client gone: {}", stream.streamName(), why);
    acks.closed();
    if (phase == Phase.STREAMING || phase == Phase.ENDING) {
      assembler.abort(AckError.STREAM_READ_ERROR, why);
    }
    stop();
  }

  private void moveTo(Phase next) {
    if (!phase.canMoveTo(next)) {
      throw new IllegalStateException("PutMedia session of " + stream.streamName() + ": " + phase + " → " + next);
    }
    phase = next;
  }
}
